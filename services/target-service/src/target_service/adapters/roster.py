"""Loading and saving the agency roster, always within one agency."""

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from target_service.adapters.orm import employees
from target_service.domain.roster import Employee

EMPLOYEE_FIELDS = ("nip", "name", "position", "unit", "appraiser_nip", "unit_id")


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


async def team(session: AsyncSession, agency_id: str, appraiser_nip: str) -> list[Employee]:
    rows = await session.execute(select(employees).where(
        employees.c.agency_id == agency_id, employees.c.appraiser_nip == appraiser_nip
    ).order_by(employees.c.nip))
    return [_employee(row) for row in rows]


async def in_unit(session: AsyncSession, agency_id: str, unit_id: str) -> list[Employee]:
    rows = await session.execute(select(employees).where(
        employees.c.agency_id == agency_id, employees.c.unit_id == unit_id
    ).order_by(employees.c.nip))
    return [_employee(row) for row in rows]


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
        {"b_agency": agency_id, "b_nip": e.nip, **{f: getattr(e, f) for f in EMPLOYEE_FIELDS if f != "nip"}}
        for e in changed
    ])


async def remove_employee(session: AsyncSession, agency_id: str, nip: str) -> None:
    await session.execute(delete(employees).where(employees.c.agency_id == agency_id, employees.c.nip == nip))
