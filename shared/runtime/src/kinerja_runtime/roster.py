"""A read-only projection of employees and periods, kept by every service that consumes
target-service's roster events, so it can check and scope requests without calling it."""

from collections.abc import Sequence
from dataclasses import dataclass

from kinerja_contracts import (
    EmployeeRegistered,
    EmployeeTransferred,
    PerformancePeriodClosed,
    PerformancePeriodClosedV1,
    PerformancePeriodOpened,
    WorkUnitDefined,
)
from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, MetaData, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kinerja_runtime import bulk
from kinerja_runtime.messaging import Delivered, EventConsumer
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


def _employee_row(event: EmployeeRegistered) -> dict:
    return {"agency_id": event.agency_id, "nip": event.nip, "name": event.name, "position": event.position,
            "unit": event.unit, "appraiser_nip": event.appraiser_nip, "unit_id": event.unit_id}


async def on_employees_registered(batch: Sequence[Delivered[EmployeeRegistered]], uow: UnitOfWork) -> None:
    await bulk.upsert(uow.session, known_employees, [_employee_row(d.event) for d in batch], ["agency_id", "nip"])


async def on_employees_transferred(batch: Sequence[Delivered[EmployeeTransferred]], uow: UnitOfWork) -> None:
    """An employee leaving an agency leaves its scope entirely; the name travels with them."""
    transfers = [d.event for d in batch]
    known = (await uow.session.execute(
        select(known_employees.c.agency_id, known_employees.c.nip, known_employees.c.name).where(
            bulk.keyed_in(known_employees, ["agency_id", "nip"],
                          {(t.previous_agency_id, t.nip) for t in transfers}))
    )).all()
    names = {(r.agency_id, r.nip): r.name for r in known}
    final: dict[str, dict] = {}
    left: set[tuple[str, str]] = set()
    for t in transfers:  # in order: an employee may move twice in one batch
        name = names.get((t.previous_agency_id, t.nip), t.nip)
        if t.previous_agency_id != t.agency_id:
            left.add((t.previous_agency_id, t.nip))
        names[(t.agency_id, t.nip)] = name
        final[t.nip] = {"agency_id": t.agency_id, "nip": t.nip, "name": name, "position": t.position,
                        "unit": t.unit, "appraiser_nip": t.appraiser_nip, "unit_id": t.unit_id}
    left -= {(row["agency_id"], nip) for nip, row in final.items()}
    if left:
        await uow.session.execute(delete(known_employees).where(
            bulk.keyed_in(known_employees, ["agency_id", "nip"], left)))
    await bulk.upsert(uow.session, known_employees, final.values(), ["agency_id", "nip"])


async def on_work_units_defined(batch: Sequence[Delivered[WorkUnitDefined]], uow: UnitOfWork) -> None:
    await bulk.upsert(uow.session, known_units, [
        {"agency_id": e.agency_id, "unit_id": e.unit_id, "name": e.name, "parent_unit_id": e.parent_unit_id,
         "head_nip": e.head_nip, "serves_public": e.serves_public}
        for e in (d.event for d in batch)
    ], ["agency_id", "unit_id"])


async def on_periods_opened(batch: Sequence[Delivered[PerformancePeriodOpened]], uow: UnitOfWork) -> None:
    await bulk.upsert(uow.session, known_periods, [
        {"agency_id": e.agency_id, "period_id": e.period_id, "year": e.year, "starts_on": e.starts_on,
         "ends_on": e.ends_on, "status": "open", "checkpoints": [c.model_dump(mode="json") for c in e.checkpoints]}
        for e in (d.event for d in batch)
    ], ["agency_id", "period_id"])


async def on_periods_closed(batch: Sequence[Delivered[PerformancePeriodClosed | PerformancePeriodClosedV1]],
                            uow: UnitOfWork) -> None:
    await uow.session.execute(known_periods.update().where(
        bulk.keyed_in(known_periods, ["agency_id", "period_id"], {(d.event.agency_id, d.event.period_id) for d in batch})
    ).values(status="closed"))


def subscribe_roster(consumer: EventConsumer) -> None:
    """Keep the roster projection (employees, work units, periods)."""
    consumer.handle(EmployeeRegistered, on_employees_registered)
    consumer.handle(EmployeeTransferred, on_employees_transferred)
    consumer.handle(WorkUnitDefined, on_work_units_defined)
    consumer.handle(PerformancePeriodOpened, on_periods_opened)
    consumer.handle(PerformancePeriodClosed, on_periods_closed)
    consumer.handle(PerformancePeriodClosedV1, on_periods_closed)


async def employee(session: AsyncSession, agency_id: str, nip: str) -> KnownEmployee:
    row = (await session.execute(
        select(known_employees).where(known_employees.c.agency_id == agency_id, known_employees.c.nip == nip)
    )).first()
    if row is None:
        raise NotFound("no such employee")  # never echo the NIP or agency (issue 8, item 6)
    return KnownEmployee(**row._mapping)


async def unit(session: AsyncSession, agency_id: str, unit_id: str) -> KnownUnit:
    row = (await session.execute(
        select(known_units).where(known_units.c.agency_id == agency_id, known_units.c.unit_id == unit_id)
    )).first()
    if row is None:
        raise NotFound("no such work unit")
    return KnownUnit(**row._mapping)


async def period(session: AsyncSession, agency_id: str, period_id: str) -> KnownPeriod:
    row = (await session.execute(
        select(known_periods.c.agency_id, known_periods.c.period_id, known_periods.c.year, known_periods.c.status)
        .where(known_periods.c.agency_id == agency_id, known_periods.c.period_id == period_id)
    )).first()
    if row is None:
        raise NotFound("no such period")
    return KnownPeriod(**row._mapping)
