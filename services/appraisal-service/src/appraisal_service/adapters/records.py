"""The appraisals (every revision) and the objections to them, as the domain's ``Appraisal``
and ``Objection``. A state change is written only from the state it was read in (``was``), so
of two at once the second changes nothing and is told so."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from kinerja_runtime.db import dialect_name
from kinerja_runtime.roster import appraiser_nip_column, timezone_column
from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import appraisals, objections
from appraisal_service.adapters.projections import keyed
from appraisal_service.domain import Appraisal, Key, Objection, ObjectionStatus, Status

_APPRAISAL_COLUMNS = tuple(appraisals.c.keys())
_OBJECTION_COLUMNS = tuple(objections.c.keys())
# What a state change writes (the rest of a row never changes).
_CHANGING = (
    "status",
    "rating_hasil_kerja",
    "rating_perilaku",
    "predikat",
    "appraiser_nip",
    "confirm_reason",
    "completed_at",
    "final_on",
)


def _appraisal(row) -> Appraisal:
    values = {c: row._mapping[c] for c in _APPRAISAL_COLUMNS}
    values["status"] = Status(values["status"])
    return Appraisal(**values)


def _appraisal_row(a: Appraisal) -> dict:
    row = {c: getattr(a, c) for c in _APPRAISAL_COLUMNS}
    row["status"] = a.status.value
    return row


def _objection(row) -> Objection:
    values = dict(row._mapping)
    values["status"] = ObjectionStatus(values["status"])
    return Objection(**values)


def _dialect(session: AsyncSession):
    return postgresql if dialect_name(session) == "postgresql" else sqlite


class Result(NamedTuple):
    """An annual result as reports count it."""

    nip: str
    status: Status
    predikat: str | None
    proposed_predikat: str


class FinalResult(NamedTuple):
    """A final result as the SIASN export maps it (the columns it needs, none of the summary)."""

    appraisal_id: str
    agency_id: str
    period_id: str
    nip: str
    kind: str
    checkpoint_id: str | None
    scope: str
    revision: int
    rating_hasil_kerja: str
    rating_perilaku: str
    predikat: str
    appraiser_nip: str | None
    completed_at: datetime


_FINAL_COLUMNS = tuple(appraisals.c[name] for name in FinalResult._fields)


@dataclass(frozen=True)
class ToConfirm:
    """A proposal as its confirmation needs it, with the roster's answers read in the same
    statement: who is the employee's appraiser now, and the agency's registered zone (None:
    the default zone), whose date the result becomes final on."""

    appraisal: Appraisal
    appraiser_nip: str | None
    timezone: str | None


# The statements of every confirmation, built once: SQLAlchemy derives a statement's cache key
# on each execution of a new statement object, which for a select of every column costs more
# than PostgreSQL's work; a module-level statement keeps its key, the values go as parameters.
_BY_ID = (appraisals.c.agency_id == bindparam("agency_id"), appraisals.c.appraisal_id == bindparam("appraisal_id"))
_GET = select(appraisals).where(*_BY_ID)
_TO_CONFIRM = select(
    appraisals,
    appraiser_nip_column(appraisals.c.agency_id, appraisals.c.nip).label("roster_appraiser_nip"),
    timezone_column(appraisals.c.agency_id).label("agency_timezone"),
).where(*_BY_ID)
_SAVE = (
    update(appraisals)
    .where(appraisals.c.appraisal_id == bindparam("k_appraisal_id"), appraisals.c.status == bindparam("k_was"))
    .values({c: bindparam(f"new_{c}") for c in _CHANGING})
)


class AppraisalRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def _all(self, query) -> list[Appraisal]:
        return [_appraisal(r) for r in await self._session.execute(query)]

    async def get(self, agency_id: str, appraisal_id: str) -> Appraisal | None:
        row = (await self._session.execute(_GET, {"agency_id": agency_id, "appraisal_id": appraisal_id})).first()
        return _appraisal(row) if row else None

    async def to_confirm(self, agency_id: str, appraisal_id: str) -> ToConfirm | None:
        """The appraisal with its employee's appraiser and its agency's zone, in one statement."""
        row = (await self._session.execute(_TO_CONFIRM, {"agency_id": agency_id, "appraisal_id": appraisal_id})).first()
        return ToConfirm(_appraisal(row), row.roster_appraiser_nip, row.agency_timezone) if row else None

    async def latest_in_scope(self, agency_id: str, period_id: str, nip: str, scope: str) -> Appraisal | None:
        found = await self._all(
            select(appraisals)
            .where(
                appraisals.c.agency_id == agency_id,
                appraisals.c.period_id == period_id,
                appraisals.c.nip == nip,
                appraisals.c.scope == scope,
            )
            .order_by(appraisals.c.revision.desc())
            .limit(1)
        )
        return found[0] if found else None

    async def latest_in_scope_of(self, keys: Iterable[Key], scope: str) -> dict[Key, Appraisal]:
        """The latest revision of ``scope`` per (agency_id, period_id, nip) among ``keys``, in one statement."""
        found = await self._all(
            select(appraisals)
            .where(keyed(appraisals, keys), appraisals.c.scope == scope)
            .order_by(appraisals.c.revision)
        )
        return {a.key: a for a in found}  # the highest revision, last, wins

    async def lineage(self, appraisal: Appraisal) -> list[Appraisal]:
        """Every revision of the same result, oldest first."""
        return await self._all(
            select(appraisals)
            .where(
                appraisals.c.agency_id == appraisal.agency_id,
                appraisals.c.period_id == appraisal.period_id,
                appraisals.c.nip == appraisal.nip,
                appraisals.c.scope == appraisal.scope,
            )
            .order_by(appraisals.c.revision)
        )

    async def of_employee(self, agency_id: str, period_id: str, nip: str) -> list[Appraisal]:
        """An employee's appraisals in a period: annual and periodic, every revision."""
        return await self._all(
            select(appraisals)
            .where(appraisals.c.agency_id == agency_id, appraisals.c.period_id == period_id, appraisals.c.nip == nip)
            .order_by(appraisals.c.scope, appraisals.c.revision)
        )

    async def page(
        self,
        agency_id: str,
        period_id: str,
        *,
        kind: str,
        statuses: Collection[Status],
        checkpoint_id: str | None,
        nips: Collection[str] | None,
        limit: int,
        offset: int,
    ) -> list[Appraisal]:
        """A page of a period's appraisals by NIP (of ``nips`` only, when given)."""
        query = select(appraisals).where(
            appraisals.c.agency_id == agency_id,
            appraisals.c.period_id == period_id,
            appraisals.c.kind == kind,
            appraisals.c.status.in_([s.value for s in statuses]),
        )
        if checkpoint_id is not None:
            query = query.where(appraisals.c.checkpoint_id == checkpoint_id)
        if nips is not None:
            query = query.where(appraisals.c.nip.in_(sorted(nips)))
        return await self._all(
            query.order_by(appraisals.c.nip, appraisals.c.scope, appraisals.c.revision).limit(limit).offset(offset)
        )

    async def results(self, agency_id: str, period_id: str, scope: str, statuses: Collection[Status]) -> list[Result]:
        """The results of ``scope`` in ``statuses``, by NIP (the few columns a report counts)."""
        rows = await self._session.execute(
            select(appraisals.c.nip, appraisals.c.status, appraisals.c.predikat, appraisals.c.proposed_predikat)
            .where(
                appraisals.c.agency_id == agency_id,
                appraisals.c.period_id == period_id,
                appraisals.c.scope == scope,
                appraisals.c.status.in_([s.value for s in statuses]),
            )
            .order_by(appraisals.c.nip)
        )
        return [Result(r.nip, Status(r.status), r.predikat, r.proposed_predikat) for r in rows]

    async def final_page(
        self,
        agency_id: str,
        period_id: str,
        *,
        kinds: Collection[str],
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[FinalResult]:
        """A page of the period's final results of ``kinds``, by (NIP, scope), after ``after``
        (the last page's last (nip, scope)): keyset pagination on the unique scope index, one
        statement however far the page is. Final is the current revision: a revision supersedes
        the result it replaces in the same transaction, so a scope has one final row at most."""
        query = select(*_FINAL_COLUMNS).where(
            appraisals.c.agency_id == agency_id,
            appraisals.c.period_id == period_id,
            appraisals.c.status == Status.FINAL.value,
            appraisals.c.kind.in_(sorted(kinds)),
        )
        if after is not None:
            query = query.where(tuple_(appraisals.c.nip, appraisals.c.scope) > tuple_(*after))
        rows = await self._session.execute(query.order_by(appraisals.c.nip, appraisals.c.scope).limit(limit))
        return [FinalResult(*r) for r in rows]

    async def add_proposals(self, proposals: list[Appraisal]) -> dict[Key, str]:
        """Insert the proposals (batched multi-row inserts); a scope someone else proposed for
        meanwhile is left alone (the unique scope and revision). Returns the ones inserted."""
        if not proposals:
            return {}
        statement = (
            _dialect(self._session)
            .insert(appraisals)
            .on_conflict_do_nothing(index_elements=["agency_id", "period_id", "nip", "scope", "revision"])
            .returning(appraisals.c.agency_id, appraisals.c.period_id, appraisals.c.nip, appraisals.c.appraisal_id)
        )
        inserted = await self._session.execute(statement, [_appraisal_row(a) for a in proposals])
        return {(r.agency_id, r.period_id, r.nip): r.appraisal_id for r in inserted}

    async def add(self, appraisal: Appraisal) -> None:
        await self._session.execute(insert(appraisals).values(**_appraisal_row(appraisal)))

    async def save(self, appraisal: Appraisal, was: Status) -> bool:
        """Write ``appraisal``'s state change if it is still ``was``; False when another
        transaction changed it first."""
        values = {f"new_{c}": getattr(appraisal, c) for c in _CHANGING} | {"new_status": appraisal.status.value}
        changed = await self._session.execute(
            _SAVE, {"k_appraisal_id": appraisal.appraisal_id, "k_was": was.value, **values}
        )
        return changed.rowcount == 1


class ObjectionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def _all(self, query) -> list[Objection]:
        return [_objection(r) for r in await self._session.execute(query)]

    async def get(self, agency_id: str, objection_id: str) -> Objection | None:
        found = await self._all(
            select(objections).where(objections.c.agency_id == agency_id, objections.c.objection_id == objection_id)
        )
        return found[0] if found else None

    async def on_appraisals(self, agency_id: str, appraisal_ids: Collection[str]) -> list[Objection]:
        return await self._all(
            select(objections)
            .where(objections.c.agency_id == agency_id, objections.c.appraisal_id.in_(list(appraisal_ids)))
            .order_by(objections.c.filed_at)
        )

    async def page(
        self, agency_id: str, *, party_nip: str | None, status: ObjectionStatus | None, limit: int, offset: int
    ) -> list[Objection]:
        """Oldest first; ``party_nip``: only those the employee filed or must decide."""
        query = select(objections).where(objections.c.agency_id == agency_id)
        if party_nip is not None:
            query = query.where((objections.c.nip == party_nip) | (objections.c.superior_nip == party_nip))
        if status is not None:
            query = query.where(objections.c.status == status.value)
        return await self._all(
            query.order_by(objections.c.filed_at, objections.c.objection_id).limit(limit).offset(offset)
        )

    async def add(self, objection: Objection) -> bool:
        """File an objection unless the result has one already (a concurrent one included);
        returns whether this one was filed."""
        values = {c: getattr(objection, c) for c in _OBJECTION_COLUMNS}
        values["status"] = objection.status.value
        statement = (
            _dialect(self._session)
            .insert(objections)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["appraisal_id"])
            .returning(objections.c.objection_id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def save_decision(self, objection: Objection) -> bool:
        """Record the decision while the objection is still open: of two decisions at once, the
        second waits for the first's row lock, then finds it decided and changes nothing."""
        changed = await self._session.execute(
            update(objections)
            .where(
                objections.c.agency_id == objection.agency_id,
                objections.c.objection_id == objection.objection_id,
                objections.c.status == ObjectionStatus.OPEN.value,
            )
            .values(
                status=objection.status.value,
                decided_by=objection.decided_by,
                decision_reason=objection.decision_reason,
                decided_at=objection.decided_at,
                revised_appraisal_id=objection.revised_appraisal_id,
            )
        )
        return changed.rowcount == 1
