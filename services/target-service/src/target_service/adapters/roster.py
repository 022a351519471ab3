"""The agency roster target-service owns (its ``employees`` table), always within one agency."""

from collections.abc import Collection

from kinerja_runtime.db import Executor
from sqlalchemy import and_, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from target_service.adapters.orm import employees, work_units
from target_service.domain.roster import Employee, Owner

EMPLOYEE_FIELDS = ("nip", "name", "position", "unit", "appraiser_nip", "unit_id")


def _employee(row) -> Employee:
    return Employee(**{f: getattr(row, f) for f in EMPLOYEE_FIELDS})


def owner_facts(owner):
    """For ``owner`` (an alias of employees in a query): a function that joins the owner's
    appraiser onto a FROM clause holding ``owner``, and the columns :func:`owner_of` reads back
    (the employee, whether their appraiser is on the roster, whether they head the root unit).
    An SKP change needs all three; this lets one statement carry them."""
    appraiser = employees.alias("owner_appraiser")
    heads_root = exists().where(
        work_units.c.agency_id == owner.c.agency_id,
        work_units.c.parent_unit_id.is_(None),
        work_units.c.head_nip == owner.c.nip,
    )

    def join(from_clause):
        return from_clause.outerjoin(
            appraiser, and_(appraiser.c.agency_id == owner.c.agency_id, appraiser.c.nip == owner.c.appraiser_nip)
        )

    return join, [
        *(owner.c[f].label(f"owner_{f}") for f in EMPLOYEE_FIELDS),
        appraiser.c.nip.label("owner_appraiser_found"),
        heads_root.label("owner_heads_root"),
    ]


def owner_of(row) -> Owner | None:
    """The :class:`Owner` from a row holding the columns of :func:`owner_facts` (None: not on the roster)."""
    if row.owner_nip is None:
        return None
    return Owner(
        Employee(**{f: getattr(row, f"owner_{f}") for f in EMPLOYEE_FIELDS}),
        row.owner_appraiser_found is not None,
        bool(row.owner_heads_root),
    )


def _owner_query():
    employee = employees.alias("owner")
    join, columns = owner_facts(employee)
    return (
        select(*columns)
        .select_from(join(employee))
        .where(employee.c.agency_id == bindparam("agency_id"), employee.c.nip == bindparam("nip"))
    )


# Every SKP draft reads its owner: built once, with parameters (building it cost more CPU than running it).
_OWNER = _owner_query()


async def employee_on_roster(session: Executor, agency_id: str, nip: str) -> Employee | None:
    """The access log's look-up (``kinerja_runtime.access_log.router``): the employee, or None."""
    return await RosterRepository(session).employee(agency_id, nip)


class RosterRepository:
    def __init__(self, session: Executor):
        self.session = session

    async def all(self, agency_id: str) -> dict[str, Employee]:
        """The agency's whole roster by NIP."""
        rows = await self.session.execute(select(employees).where(employees.c.agency_id == agency_id))
        return {row.nip: _employee(row) for row in rows}

    async def employee(self, agency_id: str, nip: str) -> Employee | None:
        row = (
            await self.session.execute(
                select(employees).where(employees.c.agency_id == agency_id, employees.c.nip == nip)
            )
        ).first()
        return _employee(row) if row else None

    async def employees(self, agency_id: str, nips: Collection[str]) -> dict[str, Employee]:
        """Those of ``nips`` on the agency's roster, by NIP: one statement."""
        if not nips:
            return {}
        rows = await self.session.execute(
            select(employees).where(employees.c.agency_id == agency_id, employees.c.nip.in_(sorted(set(nips))))
        )
        return {row.nip: _employee(row) for row in rows}

    async def owner(self, agency_id: str, nip: str) -> Owner | None:
        """The employee with the facts of :func:`owner_facts`, in one statement."""
        row = (await self.session.execute(_OWNER, {"agency_id": agency_id, "nip": nip})).first()
        return owner_of(row) if row else None

    async def page(
        self, agency_id: str, limit: int, offset: int, appraiser_nip: str | None
    ) -> tuple[int, list[Employee]]:
        """(how many, one page of them by NIP): the roster, or one appraiser's team."""
        where = [employees.c.agency_id == agency_id]
        if appraiser_nip:
            where.append(employees.c.appraiser_nip == appraiser_nip)
        total = await self.session.scalar(select(func.count()).select_from(employees).where(*where))
        rows = await self.session.execute(
            select(employees).where(*where).order_by(employees.c.nip).limit(limit).offset(offset)
        )
        return total or 0, [_employee(row) for row in rows]

    async def team(self, agency_id: str, appraiser_nip: str) -> list[Employee]:
        rows = await self.session.execute(
            select(employees)
            .where(employees.c.agency_id == agency_id, employees.c.appraiser_nip == appraiser_nip)
            .order_by(employees.c.nip)
        )
        return [_employee(row) for row in rows]

    async def in_unit(self, agency_id: str, unit_id: str) -> list[Employee]:
        rows = await self.session.execute(
            select(employees)
            .where(employees.c.agency_id == agency_id, employees.c.unit_id == unit_id)
            .order_by(employees.c.nip)
        )
        return [_employee(row) for row in rows]

    async def add(self, agency_id: str, new: list[Employee]) -> None:
        if new:
            await self.session.execute(insert(employees), [{"agency_id": agency_id, **e.__dict__} for e in new])

    async def update(self, agency_id: str, changed: list[Employee]) -> None:
        if not changed:
            return
        statement = update(employees).where(
            employees.c.agency_id == bindparam("b_agency"), employees.c.nip == bindparam("b_nip")
        )
        await self.session.execute(
            statement,
            [
                {"b_agency": agency_id, "b_nip": e.nip, **{f: getattr(e, f) for f in EMPLOYEE_FIELDS if f != "nip"}}
                for e in changed
            ],
        )

    async def import_changes(self, agency_id: str, new: list[Employee], changed: list[Employee]) -> bool:
        """Add the new employees and update the changed ones; False when the roster changed
        meanwhile (another import registered one of the new NIPs first)."""
        try:
            await self.add(agency_id, new)
            await self.update(agency_id, changed)
        except IntegrityError:
            return False
        return True

    async def remove(self, agency_id: str, nip: str) -> None:
        await self.session.execute(delete(employees).where(employees.c.agency_id == agency_id, employees.c.nip == nip))
