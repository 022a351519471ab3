"""The queue of appraisals due after a period closes (see service_layer/due.py)."""

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import datetime

from kinerja_runtime import bulk
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import appraisals_due
from appraisal_service.adapters.projections import keyed
from appraisal_service.domain import DueAppraisal, DueStatus, Key

KEY = ["agency_id", "period_id", "nip"]
# A claimed row's columns in DueAppraisal's order: rows are built positionally (a batch is thousands).
_DUE_COLUMNS = [appraisals_due.c[f.name] for f in fields(DueAppraisal)]
_STATUS_AT = [f.name for f in fields(DueAppraisal)].index("status")


class DueRepository:
    def __init__(self, session: AsyncSession, after_commit: Callable[[Callable[[], None]], None]):
        self._session = session
        self._after_commit = after_commit

    async def queue(self, rows: list[dict]) -> None:
        """Queue each employee once: a close redelivered or replayed changes nothing."""
        await bulk.insert_new(self._session, appraisals_due, rows, KEY)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once this transaction commits (not on a rollback)."""
        self._after_commit(callback)

    async def claim(self, now: datetime, limit: int) -> list[DueAppraisal]:
        """The oldest pending rows due by ``now``, locked for this transaction; rows locked by
        another replica's batch are skipped rather than waited for."""
        rows = await self._session.execute(
            select(*_DUE_COLUMNS)
            .where(appraisals_due.c.status == DueStatus.PENDING.value, appraisals_due.c.due_at <= now)
            .order_by(appraisals_due.c.due_at, *(appraisals_due.c[c] for c in KEY))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [DueAppraisal(*r[:_STATUS_AT], DueStatus(r.status), *r[_STATUS_AT + 1 :]) for r in rows]

    async def next_due(self, after: datetime) -> datetime | None:
        """When the earliest pending row due after ``after`` falls due (None: none); one index lookup."""
        return await self._session.scalar(
            select(func.min(appraisals_due.c.due_at)).where(
                appraisals_due.c.status == DueStatus.PENDING.value, appraisals_due.c.due_at > after
            )
        )

    async def trace_of(self, key: Key) -> dict[str, str] | None:
        """The trace of the close that queued ``key``'s annual appraisal (None if untraced)."""
        return await self._session.scalar(
            select(appraisals_due.c.trace).where(*(appraisals_due.c[c] == v for c, v in zip(KEY, key, strict=True)))
        )

    async def set(
        self,
        keys: Iterable[Key],
        *,
        status: DueStatus | None = None,
        note: str | None = None,
        due_at: datetime | None = None,
    ) -> None:
        """Settle (``status``, ``note``) or put back (``due_at``) the rows of ``keys``, in one statement."""
        keys = list(keys)
        values: dict = {}
        if status is not None:
            values["status"] = status.value
        if note is not None:
            values["note"] = note
        if due_at is not None:
            values["due_at"] = due_at
        if keys and values:
            await self._session.execute(update(appraisals_due).where(keyed(appraisals_due, keys)).values(**values))

    async def fail(self, notes: dict[Key, str]) -> None:
        """Mark the rows failed, each with why, in one statement (executemany)."""
        if not notes:
            return
        await self._session.execute(
            update(appraisals_due)
            .where(*(appraisals_due.c[c] == bindparam(f"k_{c}") for c in KEY))
            .values(status=DueStatus.FAILED.value, note=bindparam("k_note")),
            [{"k_agency_id": a, "k_period_id": p, "k_nip": n, "k_note": note} for (a, p, n), note in notes.items()],
        )

    async def not_completed(self, agency_id: str, period_id: str, limit: int, offset: int) -> list[dict]:
        """A page of the period's queue rows not done, by NIP: ``nip``, ``status`` and ``note``."""
        rows = await self._session.execute(
            select(appraisals_due.c.nip, appraisals_due.c.status, appraisals_due.c.note)
            .where(
                appraisals_due.c.agency_id == agency_id,
                appraisals_due.c.period_id == period_id,
                appraisals_due.c.status != DueStatus.DONE.value,
            )
            .order_by(appraisals_due.c.nip)
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows]
