"""A read-only projection of employees and periods, kept by every service that consumes
target-service's roster events, so it can check and scope requests without calling it."""

from dataclasses import dataclass

from kinerja_contracts import (
    EmployeeRegistered,
    EmployeeTransferred,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    WorkUnitDefined,
)
from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, MetaData, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork

roster_metadata = MetaData()

known_employees = Table(
    "known_employees",
    roster_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", String(200), nullable=False),
    Column("unit", String(200), nullable=False),
    Column("appraiser_nip", String(18), nullable=True),
    Column("unit_id", String(128), nullable=True),
    # An appraiser's team list, and the members of a unit (a head's unit result), each in NIP order.
    Index("ix_known_employees_team", "agency_id", "appraiser_nip", "nip"),
    Index("ix_known_employees_unit", "agency_id", "unit_id", "nip"),
)

known_units = Table(
    "known_units",
    roster_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("unit_id", String(128), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parent_unit_id", String(128), nullable=True),
    Column("head_nip", String(18), nullable=True),
    Column("serves_public", Boolean, nullable=False),
    # Every proposal asks whether the employee heads a unit.
    Index("ix_known_units_head", "agency_id", "head_nip", "unit_id"),
)

known_periods = Table(
    "known_periods",
    roster_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("year", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("checkpoints", JSON, nullable=True),
)


@dataclass(frozen=True)
class KnownEmployee:
    agency_id: str
    nip: str
    name: str
    position: str
    unit: str
    appraiser_nip: str | None
    unit_id: str | None = None


@dataclass(frozen=True)
class KnownUnit:
    agency_id: str
    unit_id: str
    name: str
    parent_unit_id: str | None
    head_nip: str | None
    serves_public: bool


@dataclass(frozen=True)
class KnownPeriod:
    agency_id: str
    period_id: str
    year: int
    status: str


async def _upsert(session: AsyncSession, table: Table, keys: dict, values: dict) -> None:
    where = [table.c[k] == v for k, v in keys.items()]
    found = await session.scalar(select(table.c[next(iter(keys))]).where(*where))
    if found is None:
        await session.execute(table.insert().values(**keys, **values))
    else:
        await session.execute(table.update().where(*where).values(**values))


async def on_employee_registered(event: EmployeeRegistered, _envelope, uow: UnitOfWork) -> None:
    await _upsert(
        uow.session, known_employees, {"agency_id": event.agency_id, "nip": event.nip},
        {"name": event.name, "position": event.position, "unit": event.unit, "appraiser_nip": event.appraiser_nip,
         "unit_id": event.unit_id},
    )


async def on_employee_transferred(event: EmployeeTransferred, _envelope, uow: UnitOfWork) -> None:
    previous = (await uow.session.execute(select(known_employees).where(
        known_employees.c.agency_id == event.previous_agency_id, known_employees.c.nip == event.nip,
    ))).first()
    if event.previous_agency_id != event.agency_id:
        # The employee leaves the old agency's scope entirely.
        await uow.session.execute(delete(known_employees).where(
            known_employees.c.agency_id == event.previous_agency_id, known_employees.c.nip == event.nip,
        ))
    await _upsert(
        uow.session, known_employees, {"agency_id": event.agency_id, "nip": event.nip},
        {"name": previous.name if previous else event.nip, "position": event.position, "unit": event.unit,
         "appraiser_nip": event.appraiser_nip, "unit_id": event.unit_id},
    )


async def on_work_unit_defined(event: WorkUnitDefined, _envelope, uow: UnitOfWork) -> None:
    await _upsert(
        uow.session, known_units, {"agency_id": event.agency_id, "unit_id": event.unit_id},
        {"name": event.name, "parent_unit_id": event.parent_unit_id, "head_nip": event.head_nip,
         "serves_public": event.serves_public},
    )


async def on_period_opened(event: PerformancePeriodOpened, _envelope, uow: UnitOfWork) -> None:
    await _upsert(
        uow.session, known_periods, {"agency_id": event.agency_id, "period_id": event.period_id},
        {"year": event.year, "starts_on": event.starts_on, "ends_on": event.ends_on, "status": "open",
         "checkpoints": [c.model_dump(mode="json") for c in event.checkpoints]},
    )


async def on_period_closed(event: PerformancePeriodClosed, _envelope, uow: UnitOfWork) -> None:
    await uow.session.execute(
        known_periods.update()
        .where(known_periods.c.agency_id == event.agency_id, known_periods.c.period_id == event.period_id)
        .values(status="closed")
    )


def subscribe_roster(consumer: EventConsumer, period_closed=None) -> None:
    """Keep the roster projection; ``period_closed`` replaces the default closed-period handler."""
    consumer.subscribe("kinerja.employees", {
        EmployeeRegistered: on_employee_registered,
        EmployeeTransferred: on_employee_transferred,
    })
    consumer.subscribe("kinerja.organisation", {WorkUnitDefined: on_work_unit_defined})
    consumer.subscribe("kinerja.periods", {
        PerformancePeriodOpened: on_period_opened,
        PerformancePeriodClosed: period_closed or on_period_closed,
    })


async def employee(session: AsyncSession, agency_id: str, nip: str) -> KnownEmployee:
    row = (await session.execute(
        select(known_employees).where(known_employees.c.agency_id == agency_id, known_employees.c.nip == nip)
    )).first()
    if row is None:
        raise NotFound(f"employee {nip} is not known in agency {agency_id}")
    return KnownEmployee(**row._mapping)


async def unit(session: AsyncSession, agency_id: str, unit_id: str) -> KnownUnit:
    row = (await session.execute(
        select(known_units).where(known_units.c.agency_id == agency_id, known_units.c.unit_id == unit_id)
    )).first()
    if row is None:
        raise NotFound(f"work unit {unit_id} is not known in agency {agency_id}")
    return KnownUnit(**row._mapping)


async def period(session: AsyncSession, agency_id: str, period_id: str) -> KnownPeriod:
    row = (await session.execute(
        select(known_periods.c.agency_id, known_periods.c.period_id, known_periods.c.year, known_periods.c.status)
        .where(known_periods.c.agency_id == agency_id, known_periods.c.period_id == period_id)
    )).first()
    if row is None:
        raise NotFound(f"period {period_id} is not known in agency {agency_id}")
    return KnownPeriod(**row._mapping)
