"""Periods with their checkpoints, the state a closing period reports, and each period's IKU."""

from kinerja_runtime.db import Executor
from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from target_service.adapters.orm import employees, iku, period_checkpoints, periods, realizations, skp
from target_service.domain.checkpoints import Checkpoint
from target_service.domain.iku import Iku
from target_service.domain.period import Period, PeriodStatus


def _query(*where, lock: str | None = None):
    """The periods matching ``where`` (by year) with their checkpoints, in one statement: one row
    per checkpoint, or one for a period without checkpoints. ``lock`` locks the period rows only
    (PostgreSQL refuses to lock the nullable side of an outer join; SQLite ignores locks)."""
    query = (
        select(
            periods,
            period_checkpoints.c.checkpoint_id,
            period_checkpoints.c.name,
            period_checkpoints.c.starts_on.label("c_starts_on"),
            period_checkpoints.c.ends_on.label("c_ends_on"),
        )
        .select_from(periods.outerjoin(period_checkpoints, period_checkpoints.c.period_id == periods.c.period_id))
        .where(*where)
        .order_by(periods.c.year, periods.c.period_id, period_checkpoints.c.position)
    )
    if lock:
        query = query.with_for_update(read=lock == "share", of=periods)
    return query


# One period by id, under each lock: every write of an SKP or realisation reads it, so the
# statements are built once (building one cost about as much CPU as running it).
_ONE = {
    lock: _query(
        periods.c.agency_id == bindparam("agency_id"), periods.c.period_id == bindparam("period_id"), lock=lock
    )
    for lock in (None, "share", "update")
}


async def _load(session: Executor, query, params: dict | None = None) -> list[Period]:
    rows: dict[str, tuple] = {}
    for r in await session.execute(query, params):
        row, checkpoints = rows.setdefault(r.period_id, (r, []))
        if r.checkpoint_id is not None:
            checkpoints.append(Checkpoint(r.checkpoint_id, r.name, r.c_starts_on, r.c_ends_on))
    return [
        Period(
            r.period_id,
            r.agency_id,
            r.year,
            r.starts_on,
            r.ends_on,
            PeriodStatus(r.status),
            r.closed_at,
            _remember(r.period_id, tuple(checkpoints)),
        )
        for r, checkpoints in rows.values()
    ]


# --- a period read alongside another aggregate ----------------------------------------------
# A period's checkpoints are fixed when it opens: no statement changes them afterwards. So a
# read that joins a period's row into another (an SKP change reads its SKP, owner and period in
# one statement) takes the checkpoints from here, read once per process and period; the row
# itself (status, closed_at) is always read, and locked, with the change.
_CHECKPOINTS: dict[str, tuple[Checkpoint, ...]] = {}
_CHECKPOINTS_KEPT = 4096  # periods: one per agency and year; past this the memory starts afresh
_CHECKPOINTS_OF = (
    select(
        period_checkpoints.c.checkpoint_id,
        period_checkpoints.c.name,
        period_checkpoints.c.starts_on,
        period_checkpoints.c.ends_on,
    )
    .where(period_checkpoints.c.period_id == bindparam("period_id"))
    .order_by(period_checkpoints.c.position)
)
PERIOD_COLUMNS = (
    periods.c.year.label("p_year"),
    periods.c.starts_on.label("p_starts_on"),
    periods.c.ends_on.label("p_ends_on"),
    periods.c.status.label("p_status"),
    periods.c.closed_at.label("p_closed_at"),
)
"""The period's own columns for a statement that joins ``periods`` (read back by :func:`period_of`)."""


def _remember(period_id: str, checkpoints: tuple[Checkpoint, ...]) -> tuple[Checkpoint, ...]:
    if len(_CHECKPOINTS) >= _CHECKPOINTS_KEPT:
        _CHECKPOINTS.clear()
    _CHECKPOINTS[period_id] = checkpoints
    return checkpoints


async def period_of(session: Executor, row, agency_id: str, period_id: str) -> Period:
    """The period from a row holding :data:`PERIOD_COLUMNS`, with its checkpoints."""
    checkpoints = _CHECKPOINTS.get(period_id)
    if checkpoints is None:
        found = await session.execute(_CHECKPOINTS_OF, {"period_id": period_id})
        checkpoints = _remember(period_id, tuple(Checkpoint(*c) for c in found))
    return Period(
        period_id,
        agency_id,
        row.p_year,
        row.p_starts_on,
        row.p_ends_on,
        PeriodStatus(row.p_status),
        row.p_closed_at,
        checkpoints,
    )


def _iku(row) -> Iku:
    return Iku(row.iku_id, row.period_id, row.code, row.description, row.target, row.unit, row.higher_is_better)


class PeriodRepository:
    def __init__(self, session: Executor):
        self.session = session

    async def get(self, agency_id: str, period_id: str, lock: str | None = None) -> Period | None:
        """``lock``: ``"share"`` for a change that must land before the period closes, ``"update"`` to close it."""
        found = await _load(self.session, _ONE[lock], {"agency_id": agency_id, "period_id": period_id})
        return found[0] if found else None

    async def of_year(self, agency_id: str, year: int) -> Period | None:
        found = await _load(self.session, _query(periods.c.agency_id == agency_id, periods.c.year == year))
        return found[0] if found else None

    async def all(self, agency_id: str) -> list[Period]:
        return await _load(self.session, _query(periods.c.agency_id == agency_id))

    async def add(self, p: Period) -> bool:
        """False (nothing stored) when the agency already has a period of that year."""
        try:
            await self.session.execute(
                insert(periods).values(
                    period_id=p.period_id,
                    agency_id=p.agency_id,
                    year=p.year,
                    starts_on=p.starts_on,
                    ends_on=p.ends_on,
                    status=p.status.value,
                    closed_at=p.closed_at,
                )
            )
            if p.checkpoints:
                await self.session.execute(
                    insert(period_checkpoints),
                    [
                        {
                            "period_id": p.period_id,
                            "checkpoint_id": c.checkpoint_id,
                            "name": c.name,
                            "starts_on": c.starts_on,
                            "ends_on": c.ends_on,
                            "position": n,
                        }
                        for n, c in enumerate(p.checkpoints)
                    ],
                )
        except IntegrityError:
            return False
        return True

    async def save(self, p: Period) -> None:
        await self.session.execute(
            update(periods)
            .where(periods.c.period_id == p.period_id)
            .values(status=p.status.value, closed_at=p.closed_at)
        )

    async def closing_state(self, agency_id: str, period_id: str) -> list[tuple[str, str | None, int | None, int]]:
        """For every employee on the roster: (nip, skp_id with a version in force, that version, realisation count)."""
        in_force = and_(
            skp.c.agency_id == employees.c.agency_id,
            skp.c.nip == employees.c.nip,
            skp.c.period_id == period_id,
            skp.c.version.is_not(None),
        )
        # Counted per SKP through ix_realizations_agency: joined to a GROUP BY of the agency's
        # realisations instead, with no table statistics (autovacuum off) the planner expected
        # one SKP and a few groups, and rescanned the groups for every SKP: 108 s to close an
        # agency of 25,000 (quadratic), where this takes one index lookup per employee.
        count = (
            select(func.count())
            .where(realizations.c.agency_id == agency_id, realizations.c.skp_id == skp.c.skp_id)
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(employees.c.nip, skp.c.skp_id, skp.c.version, count)
            .select_from(employees.outerjoin(skp, in_force))
            .where(employees.c.agency_id == agency_id)
            .order_by(employees.c.nip)
        )
        return [(r[0], r[1], r[2], int(r[3]) if r[1] else 0) for r in rows]


class IkuRepository:
    """The agency's IKU (indikator kinerja utama) of each period."""

    def __init__(self, session: Executor):
        self.session = session

    async def of_period(self, agency_id: str, period_id: str) -> list[Iku]:
        rows = await self.session.execute(
            select(iku).where(iku.c.agency_id == agency_id, iku.c.period_id == period_id).order_by(iku.c.code)
        )
        return [_iku(r) for r in rows]

    async def get(self, agency_id: str, iku_id: str) -> Iku | None:
        row = (
            await self.session.execute(select(iku).where(iku.c.agency_id == agency_id, iku.c.iku_id == iku_id))
        ).first()
        return _iku(row) if row else None

    async def save(self, agency_id: str, item: Iku, is_new: bool) -> bool:
        """False (nothing stored) when a new IKU's code was defined meanwhile by another request."""
        values = {
            "description": item.description,
            "target": item.target,
            "unit": item.unit,
            "higher_is_better": item.higher_is_better,
        }
        try:
            if is_new:
                await self.session.execute(
                    insert(iku).values(
                        iku_id=item.iku_id, agency_id=agency_id, period_id=item.period_id, code=item.code, **values
                    )
                )
            else:
                await self.session.execute(update(iku).where(iku.c.iku_id == item.iku_id).values(**values))
        except IntegrityError:
            return False
        return True
