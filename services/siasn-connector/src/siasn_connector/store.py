"""The connector's own durable state (SQLAlchemy Core; SQLite by default, PostgreSQL in production).

- ``processed_events``: the CloudEvent ids already applied (the contract's idempotency key);
- ``employees``, ``units``, ``periods``, ``plan_items``: what the roster, period and plan events
  said, the little the SIASN fields need (names, positions, units, checkpoint dates, titles);
- ``records``: one row per SIASN record, keyed by Kinerja's (kind, agency, nip, period or year,
  checkpoint or event). It keeps the facts of the latest event, the mapped payload, the fields
  sent as null (``missing``), SIASN's record id once created, and the delivery state: ``pending``
  (stored, not yet in SIASN in its latest version), ``sent`` or ``failed`` (SIASN refused it,
  with the reason). A record is stored before the Kafka offset is committed and before it is
  sent, so neither a crash nor a SIASN outage loses it.
- ``skipped_events``: records of the public topics that could not be read (bad headers or data
  of a type the connector needs), with the reason, for the reconciliation report.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from kinerja_contracts.siasn import (
    AppraisalFacts,
    CheckpointInfo,
    Context,
    PeriodInfo,
    Person,
    PlanItemInfo,
    RecordKey,
    TrainingFacts,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (SENT, FAILED, PENDING)
RECORD_NAMESPACE = uuid.UUID("6d1b8f0e-4c4e-5b7a-9f61-2a3c5e7d9b10")

metadata = sa.MetaData()

processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("processed_at", sa.Float, nullable=False),
)

skipped_events = sa.Table(
    "skipped_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64)),
    sa.Column("event_type", sa.String(200)),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("partition", sa.Integer, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False),
    sa.Column("reason", sa.String(1000), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

employees = sa.Table(
    "employees",
    metadata,
    sa.Column("nip", sa.String(18), primary_key=True),
    sa.Column("agency_id", sa.String(128), nullable=False),
    sa.Column("name", sa.String(200)),
    sa.Column("position", sa.String(200)),
    sa.Column("unit", sa.String(200)),
    sa.Column("unit_id", sa.String(128)),
    sa.Column("appraiser_nip", sa.String(18)),
    sa.Column("event_time", sa.String(40), nullable=False),  # the CloudEvent time: latest wins
)

units = sa.Table(
    "units",
    metadata,
    sa.Column("agency_id", sa.String(128), primary_key=True),
    sa.Column("unit_id", sa.String(128), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("event_time", sa.String(40), nullable=False),
)

periods = sa.Table(
    "periods",
    metadata,
    sa.Column("agency_id", sa.String(128), primary_key=True),
    sa.Column("period_id", sa.String(128), primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("starts_on", sa.String(10), nullable=False),
    sa.Column("ends_on", sa.String(10), nullable=False),
    sa.Column("checkpoints", sa.JSON, nullable=False),
)

plan_items = sa.Table(
    "plan_items",
    metadata,
    sa.Column("plan_id", sa.String(128), primary_key=True),
    sa.Column("item_id", sa.String(128), primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("form", sa.String(100), nullable=False),
    sa.Column("method", sa.String(100), nullable=False),
    sa.Column("catalogue_code", sa.String(128), nullable=False),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("agency_id", sa.String(128), nullable=False),
    sa.Column("nip", sa.String(18), nullable=False),
    sa.Column("scope", sa.String(128), nullable=False),
    sa.Column("part", sa.String(128), nullable=False),
    sa.Column("record_uuid", sa.String(36), nullable=False),  # the Idempotency-Key of its creation
    # The latest event applied: its id, type, the appraisal's id and revision, its time.
    sa.Column("source_event_id", sa.String(64), nullable=False),
    sa.Column("source_event_type", sa.String(200), nullable=False),
    sa.Column("source_id", sa.String(128)),
    sa.Column("revision", sa.Integer, nullable=False, default=1),
    sa.Column("source_at", sa.String(40), nullable=False),
    sa.Column("facts", sa.JSON, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("missing", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # raised by every change of the record
    sa.Column("sent_version", sa.Integer),  # the version SIASN holds
    sa.Column("siasn_id", sa.String(128)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("updates", sa.Integer, nullable=False, default=0),  # PUTs after the creation
    sa.Column("last_error", sa.String(1000)),
    sa.Column("hold_until", sa.Float),  # waiting for a roster event until then
    sa.Column("lease_until", sa.Float),  # a sender is on it until then
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float),
    sa.UniqueConstraint("kind", "agency_id", "nip", "scope", "part", name="records_key"),
)
sa.Index("records_status", records.c.status, records.c.id)


def record_uuid(key: RecordKey) -> str:
    """A stable id of the record, the same in every deployment: the key of its creation in SIASN."""
    return str(uuid.uuid5(RECORD_NAMESPACE, json.dumps([key.kind, key.agency_id, key.nip, key.scope, key.part])))


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class StoredRecord:
    id: int
    kind: str
    agency_id: str
    nip: str
    scope: str
    part: str
    record_uuid: str
    facts: dict[str, Any]
    payload: dict[str, Any]
    missing: list[str]
    status: str
    version: int
    siasn_id: str | None
    attempts: int
    hold_until: float | None
    created_at: float


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - exercised with SQLite
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_async_engine(url, pool_size=5, max_overflow=0, pool_pre_ping=True)


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)

    async def create(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    def _insert(self, table: sa.Table):
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    # -- events seen -----------------------------------------------------------------------------

    async def seen(self, conn: AsyncConnection, event_ids: Sequence[str]) -> set[str]:
        if not event_ids:
            return set()
        found = await conn.execute(
            sa.select(processed_events.c.event_id).where(processed_events.c.event_id.in_(list(set(event_ids))))
        )
        return {row[0] for row in found}

    async def mark_processed(self, conn: AsyncConnection, events: Iterable[tuple[str, str]]) -> None:
        rows = [{"event_id": i, "event_type": t, "processed_at": time.time()} for i, t in events]
        if rows:
            await conn.execute(self._insert(processed_events).on_conflict_do_nothing(), rows)

    async def skip(self, conn: AsyncConnection, **row: Any) -> None:
        await conn.execute(sa.insert(skipped_events).values(at=time.time(), **row))

    # -- roster, periods, plans: latest wins ----------------------------------------------------

    async def put_employee(self, conn: AsyncConnection, row: dict[str, Any]) -> None:
        """Insert or update an employee, unless a later event (by CloudEvent time) already did."""
        stmt = self._insert(employees).values(**row)
        changes = {k: stmt.excluded[k] for k in row if k != "nip"}
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[employees.c.nip],
                set_=changes,
                where=employees.c.event_time <= stmt.excluded.event_time,
            )
        )

    async def employee(self, conn: AsyncConnection, nip: str | None) -> Person | None:
        if nip is None:
            return None
        row = (await conn.execute(sa.select(employees).where(employees.c.nip == nip))).mappings().first()
        if row is None:
            return None
        return Person(
            nip=row["nip"],
            name=row["name"],
            position=row["position"],
            unit=row["unit"],
            unit_id=row["unit_id"],
            appraiser_nip=row["appraiser_nip"],
        )

    async def put_unit(self, conn: AsyncConnection, row: dict[str, Any]) -> None:
        stmt = self._insert(units).values(**row)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[units.c.agency_id, units.c.unit_id],
                set_={"name": stmt.excluded.name, "event_time": stmt.excluded.event_time},
                where=units.c.event_time <= stmt.excluded.event_time,
            )
        )

    async def unit_name(self, conn: AsyncConnection, agency_id: str, unit_id: str | None) -> str | None:
        if unit_id is None:
            return None
        return (
            await conn.execute(
                sa.select(units.c.name).where(units.c.agency_id == agency_id, units.c.unit_id == unit_id)
            )
        ).scalar()

    async def put_period(self, conn: AsyncConnection, row: dict[str, Any]) -> None:
        stmt = self._insert(periods).values(**row)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[periods.c.agency_id, periods.c.period_id],
                set_={k: stmt.excluded[k] for k in ("year", "starts_on", "ends_on", "checkpoints")},
            )
        )

    async def period(self, conn: AsyncConnection, agency_id: str, period_id: str) -> PeriodInfo | None:
        row = (
            (
                await conn.execute(
                    sa.select(periods).where(periods.c.agency_id == agency_id, periods.c.period_id == period_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return PeriodInfo(
            year=row["year"],
            starts_on=date.fromisoformat(row["starts_on"]),
            ends_on=date.fromisoformat(row["ends_on"]),
            checkpoints=tuple(
                CheckpointInfo(
                    c["checkpoint_id"], c["name"], date.fromisoformat(c["starts_on"]), date.fromisoformat(c["ends_on"])
                )
                for c in row["checkpoints"]
            ),
        )

    async def put_plan_items(self, conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
        if rows:
            stmt = self._insert(plan_items)
            await conn.execute(stmt.on_conflict_do_nothing(), rows)

    async def plan_item(self, conn: AsyncConnection, plan_id: str | None, item_id: str | None) -> PlanItemInfo | None:
        if plan_id is None or item_id is None:
            return None
        row = (
            (
                await conn.execute(
                    sa.select(plan_items).where(plan_items.c.plan_id == plan_id, plan_items.c.item_id == item_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return PlanItemInfo(row["title"], row["form"], row["method"], row["catalogue_code"])

    async def context_for(self, conn: AsyncConnection, facts: AppraisalFacts | TrainingFacts) -> Context:
        """Everything the mapping of ``facts`` needs, as the connector knows it now."""
        if isinstance(facts, TrainingFacts):
            return Context(plan_item=await self.plan_item(conn, facts.plan_id, facts.item_id))
        employee = await self.employee(conn, facts.nip)
        penilai = facts.appraiser_nip or (employee.appraiser_nip if employee else None)
        appraiser = await self.employee(conn, penilai)
        # The penilai's unit, by its latest name in the appraisal's agency's organisation tree.
        unit_name = await self.unit_name(conn, facts.agency_id, appraiser.unit_id) if appraiser else None
        return Context(
            employee=employee,
            appraiser=appraiser,
            appraiser_unit_name=unit_name,
            period=await self.period(conn, facts.agency_id, facts.period_id),
        )

    # -- records -----------------------------------------------------------------------------------

    async def record_by_key(self, conn: AsyncConnection, key: RecordKey) -> dict[str, Any] | None:
        found = await conn.execute(
            sa.select(records).where(
                records.c.kind == key.kind,
                records.c.agency_id == key.agency_id,
                records.c.nip == key.nip,
                records.c.scope == key.scope,
                records.c.part == key.part,
            )
        )
        row = found.mappings().first()
        return dict(row) if row else None

    async def insert_record(self, conn: AsyncConnection, key: RecordKey, values: dict[str, Any]) -> None:
        now = time.time()
        await conn.execute(
            sa.insert(records).values(
                kind=key.kind,
                agency_id=key.agency_id,
                nip=key.nip,
                scope=key.scope,
                part=key.part,
                record_uuid=record_uuid(key),
                status=PENDING,
                version=1,
                attempts=0,
                updates=0,
                created_at=now,
                updated_at=now,
                **values,
            )
        )

    async def replace_record(self, conn: AsyncConnection, record_id: int, values: dict[str, Any]) -> None:
        """A newer event for a stored record (a revision): pending again, its version raised."""
        await conn.execute(
            sa.update(records)
            .where(records.c.id == record_id)
            .values(
                status=PENDING,
                version=records.c.version + 1,
                attempts=0,
                last_error=None,
                updated_at=time.time(),
                **values,
            )
        )

    async def due(self, limit: int) -> list[int]:
        """Pending records no sender holds and no roster event is awaited for, oldest first."""
        now = time.time()
        async with self.engine.connect() as conn:
            found = await conn.execute(
                sa.select(records.c.id)
                .where(
                    records.c.status == PENDING,
                    sa.or_(records.c.hold_until.is_(None), records.c.hold_until <= now),
                    sa.or_(records.c.lease_until.is_(None), records.c.lease_until < now),
                )
                .order_by(records.c.id)
                .limit(limit)
            )
            return [row[0] for row in found]

    async def next_hold(self) -> float | None:
        """When the earliest held record becomes due (for the sender's sleep)."""
        async with self.engine.connect() as conn:
            return (
                await conn.execute(
                    sa.select(sa.func.min(records.c.hold_until)).where(
                        records.c.status == PENDING, records.c.hold_until.is_not(None)
                    )
                )
            ).scalar()

    async def claim(self, record_id: int, lease_seconds: float) -> bool:
        """Take a pending record for sending; False when another sender has it or it is done."""
        now = time.time()
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.update(records)
                .where(
                    records.c.id == record_id,
                    records.c.status == PENDING,
                    sa.or_(records.c.lease_until.is_(None), records.c.lease_until < now),
                )
                .values(lease_until=now + lease_seconds)
            )
            return result.rowcount == 1

    async def load(self, conn: AsyncConnection, record_id: int) -> StoredRecord:
        row = (await conn.execute(sa.select(records).where(records.c.id == record_id))).mappings().one()
        return StoredRecord(
            id=row["id"],
            kind=row["kind"],
            agency_id=row["agency_id"],
            nip=row["nip"],
            scope=row["scope"],
            part=row["part"],
            record_uuid=row["record_uuid"],
            facts=row["facts"],
            payload=row["payload"],
            missing=list(row["missing"]),
            status=row["status"],
            version=row["version"],
            siasn_id=row["siasn_id"],
            attempts=row["attempts"],
            hold_until=row["hold_until"],
            created_at=row["created_at"],
        )

    async def remapped(
        self, record_id: int, version: int, payload: dict, missing: list[str], hold_until: float | None
    ) -> None:
        """The payload mapped again just before sending (a roster event may have filled a field)."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(records)
                .where(records.c.id == record_id, records.c.version == version)
                .values(payload=payload, missing=missing, hold_until=hold_until)
            )

    async def release(self, record_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sa.update(records).where(records.c.id == record_id).values(lease_until=None))

    async def sent(self, record_id: int, version: int, siasn_id: str, updated: bool) -> None:
        """SIASN holds ``version`` of the record: sent, unless a newer event changed it meanwhile
        (then it stays pending and the next round updates SIASN)."""
        now = time.time()
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(records)
                .where(records.c.id == record_id)
                .values(
                    siasn_id=siasn_id,
                    sent_version=version,
                    status=sa.case((records.c.version == version, SENT), else_=records.c.status),
                    attempts=records.c.attempts + 1,
                    updates=records.c.updates + (1 if updated else 0),
                    last_error=None,
                    lease_until=None,
                    sent_at=now,
                    updated_at=now,
                )
            )

    async def refused(self, record_id: int, version: int, reason: str) -> None:
        """SIASN refused this version of the record; it stays refused until a newer event or a retry."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(records)
                .where(records.c.id == record_id)
                .values(
                    status=sa.case((records.c.version == version, FAILED), else_=records.c.status),
                    attempts=records.c.attempts + 1,
                    last_error=reason[:1000],
                    lease_until=None,
                    updated_at=time.time(),
                )
            )

    async def not_reached(self, record_id: int, reason: str) -> None:
        """SIASN could not be reached or failed: the record stays pending, the reason is kept."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.update(records)
                .where(records.c.id == record_id)
                .values(attempts=records.c.attempts + 1, last_error=reason[:1000], lease_until=None)
            )

    async def retry(self, record_ids: Sequence[int] | None = None, agency_id: str | None = None) -> int:
        """Failed records back to pending (after the cause was fixed); returns how many."""
        conditions = [records.c.status == FAILED]
        if record_ids is not None:
            conditions.append(records.c.id.in_(list(record_ids)))
        if agency_id:
            conditions.append(records.c.agency_id == agency_id)
        async with self.engine.begin() as conn:
            result = await conn.execute(
                sa.update(records)
                .where(*conditions)
                .values(status=PENDING, version=records.c.version + 1, attempts=0, hold_until=None)
            )
            return result.rowcount

    # -- the reconciliation ------------------------------------------------------------------------

    async def reconciliation(
        self,
        *,
        agency_id: str | None = None,
        with_records: bool = False,
        status: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> dict[str, Any]:
        where = [records.c.agency_id == agency_id] if agency_id else []
        async with self.engine.connect() as conn:
            counted = await conn.execute(
                sa.select(
                    records.c.kind,
                    records.c.status,
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(records.c.updates), 0),
                )
                .where(*where)
                .group_by(records.c.kind, records.c.status)
            )
            by_kind: dict[str, dict[str, int]] = {}
            totals = {SENT: 0, FAILED: 0, PENDING: 0, "records": 0, "updates": 0}
            for kind, state, count, updates in counted:
                entry = by_kind.setdefault(kind, {SENT: 0, FAILED: 0, PENDING: 0, "updates": 0})
                entry[state] = entry.get(state, 0) + count
                entry["updates"] += int(updates)
                totals[state] = totals.get(state, 0) + count
                totals["records"] += count
                totals["updates"] += int(updates)
            failed_rows = await conn.execute(
                sa.select(records.c.last_error, sa.func.count())
                .where(records.c.status == FAILED, *where)
                .group_by(records.c.last_error)
                .order_by(sa.func.count().desc())
            )
            failed_reasons = [{"reason": reason, "records": count} for reason, count in failed_rows]
            retrying = await conn.execute(
                sa.select(sa.func.count(), sa.func.max(records.c.last_error)).where(
                    records.c.status == PENDING, records.c.last_error.is_not(None), *where
                )
            )
            retrying_count, last_pending_error = retrying.one()
            skipped_count = (await conn.execute(sa.select(sa.func.count()).select_from(skipped_events))).scalar()
            skipped = [
                {
                    "topic": r.topic,
                    "partition": r.partition,
                    "offset": r.offset,
                    "event_id": r.event_id,
                    "event_type": r.event_type,
                    "reason": r.reason,
                    "at": iso(r.at),
                }
                for r in await conn.execute(sa.select(skipped_events).order_by(skipped_events.c.id.desc()).limit(20))
            ]
            report: dict[str, Any] = {
                "generated_at": iso(time.time()),
                "agency": agency_id,
                "totals": totals,
                "by_kind": by_kind,
                "failed_reasons": failed_reasons,
                "pending_retrying": {"records": retrying_count, "last_error": last_pending_error},
                "skipped_events": {"count": skipped_count, "latest": skipped},
            }
            if with_records:
                query = sa.select(records).where(*where).order_by(records.c.id).limit(limit).offset(offset)
                if status:
                    query = query.where(records.c.status == status)
                report["records"] = [_record_view(r) for r in (await conn.execute(query)).mappings()]
        report["line"] = reconciliation_line(totals)
        return report


def reconciliation_line(totals: dict[str, int]) -> str:
    return f"SIASN: {totals[SENT]} sent, {totals[FAILED]} failed, {totals[PENDING]} pending"


def _record_view(row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "agency_id": row["agency_id"],
        "nip": row["nip"],
        "scope": row["scope"],
        "part": row["part"] or None,
        "status": row["status"],
        "siasn_id": row["siasn_id"],
        "reason": row["last_error"],
        "missing": list(row["missing"]),
        "revision": row["revision"],
        "updates": row["updates"],
        "attempts": row["attempts"],
        "source_event_id": row["source_event_id"],
        "source_event_type": row["source_event_type"],
        "created_at": iso(row["created_at"]),
        "sent_at": iso(row["sent_at"]),
        "payload": row["payload"],
    }
