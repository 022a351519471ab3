"""Loading and saving the roster, periods and SKP aggregates, always within one agency."""

from kinerja_contracts.vocabulary import Aspect, RhkKind
from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from target_service.adapters.orm import employees, iki, periods, realizations, rhk, skp
from target_service.domain.period import Period, PeriodStatus
from target_service.domain.roster import Employee
from target_service.domain.skp import Indikator, RencanaHasilKerja, Skp, SkpStatus

EMPLOYEE_FIELDS = ("nip", "name", "position", "unit", "appraiser_nip")


# --- roster ------------------------------------------------------------------------------
def _employee(row) -> Employee:
    return Employee(**{f: getattr(row, f) for f in EMPLOYEE_FIELDS})


async def roster(session: AsyncSession, agency_id: str) -> dict[str, Employee]:
    rows = await session.execute(select(employees).where(employees.c.agency_id == agency_id))
    return {row.nip: _employee(row) for row in rows}


async def employee(session: AsyncSession, agency_id: str, nip: str) -> Employee | None:
    row = (await session.execute(
        select(employees).where(employees.c.agency_id == agency_id, employees.c.nip == nip)
    )).first()
    return _employee(row) if row else None


async def employee_page(session: AsyncSession, agency_id: str, limit: int, offset: int, appraiser_nip: str | None):
    where = [employees.c.agency_id == agency_id]
    if appraiser_nip:
        where.append(employees.c.appraiser_nip == appraiser_nip)
    total = await session.scalar(select(func.count()).select_from(employees).where(*where))
    rows = await session.execute(select(employees).where(*where).order_by(employees.c.nip).limit(limit).offset(offset))
    return total, [_employee(row) for row in rows]


async def add_employees(session: AsyncSession, agency_id: str, new: list[Employee]) -> None:
    if new:
        await session.execute(insert(employees), [{"agency_id": agency_id, **e.__dict__} for e in new])


async def update_employees(session: AsyncSession, agency_id: str, changed: list[Employee]) -> None:
    if not changed:
        return
    statement = update(employees).where(
        employees.c.agency_id == bindparam("b_agency"), employees.c.nip == bindparam("b_nip")
    )
    await session.execute(statement, [
        {"b_agency": agency_id, "b_nip": e.nip, "name": e.name, "position": e.position, "unit": e.unit,
         "appraiser_nip": e.appraiser_nip}
        for e in changed
    ])


# --- periods -----------------------------------------------------------------------------
def _period(row) -> Period:
    return Period(row.period_id, row.agency_id, row.year, row.starts_on, row.ends_on, PeriodStatus(row.status), row.closed_at)


async def period(session: AsyncSession, agency_id: str, period_id: str) -> Period | None:
    row = (await session.execute(
        select(periods).where(periods.c.agency_id == agency_id, periods.c.period_id == period_id)
    )).first()
    return _period(row) if row else None


async def period_of_year(session: AsyncSession, agency_id: str, year: int) -> Period | None:
    row = (await session.execute(select(periods).where(periods.c.agency_id == agency_id, periods.c.year == year))).first()
    return _period(row) if row else None


async def all_periods(session: AsyncSession, agency_id: str) -> list[Period]:
    rows = await session.execute(select(periods).where(periods.c.agency_id == agency_id).order_by(periods.c.year))
    return [_period(row) for row in rows]


async def add_period(session: AsyncSession, p: Period) -> None:
    await session.execute(insert(periods).values(
        period_id=p.period_id, agency_id=p.agency_id, year=p.year, starts_on=p.starts_on, ends_on=p.ends_on,
        status=p.status.value, closed_at=p.closed_at,
    ))


async def save_period(session: AsyncSession, p: Period) -> None:
    await session.execute(
        update(periods).where(periods.c.period_id == p.period_id).values(status=p.status.value, closed_at=p.closed_at)
    )


async def closing_state(session: AsyncSession, agency_id: str, period_id: str) -> list[tuple[str, str | None, int | None, int]]:
    """For every employee on the roster: (nip, approved skp_id, version, realisation count)."""
    approved = and_(
        skp.c.agency_id == employees.c.agency_id, skp.c.nip == employees.c.nip,
        skp.c.period_id == period_id, skp.c.status == SkpStatus.APPROVED.value,
    )
    counts = (
        select(realizations.c.skp_id, func.count().label("n"))
        .where(realizations.c.agency_id == agency_id)
        .group_by(realizations.c.skp_id)
        .subquery()
    )
    rows = await session.execute(
        select(employees.c.nip, skp.c.skp_id, skp.c.version, func.coalesce(counts.c.n, 0))
        .select_from(employees.outerjoin(skp, approved).outerjoin(counts, counts.c.skp_id == skp.c.skp_id))
        .where(employees.c.agency_id == agency_id)
        .order_by(employees.c.nip)
    )
    return [(r[0], r[1], r[2], int(r[3]) if r[1] else 0) for r in rows]


# --- SKP ---------------------------------------------------------------------------------
async def _rhk_of(session: AsyncSession, skp_id: str) -> tuple[RencanaHasilKerja, ...]:
    rhk_rows = (await session.execute(select(rhk).where(rhk.c.skp_id == skp_id).order_by(rhk.c.position))).all()
    iki_rows = (await session.execute(
        select(iki).join(rhk, iki.c.rhk_id == rhk.c.rhk_id).where(rhk.c.skp_id == skp_id).order_by(iki.c.position)
    )).all()
    by_rhk: dict[str, list[Indikator]] = {}
    for r in iki_rows:
        by_rhk.setdefault(r.rhk_id, []).append(
            Indikator(r.iki_id, Aspect(r.aspect), r.description, r.target, r.unit, r.higher_is_better)
        )
    return tuple(
        RencanaHasilKerja(r.rhk_id, RhkKind(r.kind), r.description, tuple(by_rhk.get(r.rhk_id, ()))) for r in rhk_rows
    )


def _skp(row, rows: tuple[RencanaHasilKerja, ...]) -> Skp:
    return Skp(row.skp_id, row.agency_id, row.period_id, row.nip, rows, SkpStatus(row.status), row.version,
               row.notes, row.approved_by, row.approved_at)


async def get_skp(session: AsyncSession, agency_id: str, skp_id: str) -> Skp | None:
    row = (await session.execute(select(skp).where(skp.c.agency_id == agency_id, skp.c.skp_id == skp_id))).first()
    return _skp(row, await _rhk_of(session, row.skp_id)) if row else None


async def skp_of_employee(session: AsyncSession, agency_id: str, nip: str, period_id: str | None) -> list[Skp]:
    where = [skp.c.agency_id == agency_id, skp.c.nip == nip]
    if period_id:
        where.append(skp.c.period_id == period_id)
    rows = (await session.execute(select(skp).where(*where))).all()
    return [_skp(row, await _rhk_of(session, row.skp_id)) for row in rows]


async def skp_exists(session: AsyncSession, agency_id: str, period_id: str, nip: str) -> bool:
    found = await session.scalar(
        select(skp.c.skp_id).where(skp.c.agency_id == agency_id, skp.c.period_id == period_id, skp.c.nip == nip)
    )
    return found is not None


async def _insert_rhk(session: AsyncSession, s: Skp) -> None:
    if not s.rhk:
        return
    await session.execute(insert(rhk), [
        {"rhk_id": r.rhk_id, "skp_id": s.skp_id, "kind": r.kind.value, "description": r.description, "position": n}
        for n, r in enumerate(s.rhk)
    ])
    await session.execute(insert(iki), [
        {"iki_id": i.iki_id, "rhk_id": r.rhk_id, "aspect": i.aspect.value, "description": i.description,
         "target": i.target, "unit": i.unit, "higher_is_better": i.higher_is_better, "position": m}
        for r in s.rhk for m, i in enumerate(r.indikator)
    ])


def _skp_values(s: Skp) -> dict:
    return {"version": s.version, "status": s.status.value, "notes": s.notes, "approved_by": s.approved_by,
            "approved_at": s.approved_at}


async def add_skp(session: AsyncSession, s: Skp) -> None:
    await session.execute(insert(skp).values(
        skp_id=s.skp_id, agency_id=s.agency_id, period_id=s.period_id, nip=s.nip, **_skp_values(s)
    ))
    await _insert_rhk(session, s)


async def save_skp(session: AsyncSession, s: Skp, rhk_replaced: bool = False) -> None:
    await session.execute(update(skp).where(skp.c.skp_id == s.skp_id).values(**_skp_values(s)))
    if rhk_replaced:
        old_rhk = select(rhk.c.rhk_id).where(rhk.c.skp_id == s.skp_id)
        await session.execute(delete(iki).where(iki.c.rhk_id.in_(old_rhk)))
        await session.execute(delete(rhk).where(rhk.c.skp_id == s.skp_id))
        await _insert_rhk(session, s)


# --- realisation -------------------------------------------------------------------------
async def add_realization(session: AsyncSession, **values) -> None:
    await session.execute(insert(realizations).values(**values))


async def realizations_of(session: AsyncSession, skp_id: str) -> list[dict]:
    rows = await session.execute(
        select(realizations.c.realization_id, realizations.c.iki_id, realizations.c.value, realizations.c.evidence,
               realizations.c.recorded_by, realizations.c.recorded_at)
        .where(realizations.c.skp_id == skp_id)
        .order_by(realizations.c.recorded_at, realizations.c.realization_id)
    )
    return [dict(row._mapping) for row in rows]
