"""A read-only projection of employees, work units, periods and the province's agencies, kept
by every service that consumes target-service's roster events, so it can check and scope
requests without calling it (and count an agency's days in its time zone).

The roster events carry no version, only the CloudEvents time target-service made them at, so
they apply by that time, not by arrival (issue 8, item 13): each row keeps the time of the
event that last set it (``changed_at``) and an older event leaves it as it is, whether the two
meet in one batch or a redelivered or replayed one comes later. A period once closed stays
closed. Every handler costs a fixed number of statements however large its batch.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from kinerja_contracts import (
    AgencyRegistered,
    EmployeeRegistered,
    EmployeeTransferred,
    PerformancePeriodClosed,
    PerformancePeriodClosedV1,
    PerformancePeriodOpened,
    WorkUnitDefined,
)
from kinerja_contracts.catalogue import EMPLOYEES
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.sql.selectable import ScalarSelect

from kinerja_runtime import bulk
from kinerja_runtime.db import Executor, UtcDateTime
from kinerja_runtime.messaging import Delivered, EventConsumer
from kinerja_runtime.uow import UnitOfWork

roster_metadata = MetaData()

# The CloudEvents time of the event that last set a row. Null on rows projected before it was
# kept: any event replaces those.
CHANGED_AT = "changed_at"

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
    Column(CHANGED_AT, UtcDateTime(), nullable=True),
    # An appraiser's team list, and the members of a unit (a head's unit result), each in NIP order.
    Index("ix_known_employees_team", "agency_id", "appraiser_nip", "nip"),
    Index("ix_known_employees_unit", "agency_id", "unit_id", "nip"),
)

# When each employee last left an agency (a transfer out), so that an older registration or
# transfer into that agency, delivered late or replayed, does not bring them back. Kept beside
# known_employees rather than as a tombstone row in it: every read of the roster (a dozen
# queries in three services) keeps meaning "who works here now" without a status filter. A
# newer registration or transfer in applies (the employee came back); the row stays, as older
# events stay stale.
# A departure older than the employees topic keeps its records cannot be contradicted by any
# event still deliverable (each is newer than it), so it is personal data kept for nothing.
DEPARTURES_KEPT = timedelta(days=EMPLOYEES.retention_days)

known_departures = Table(
    "known_departures",
    roster_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("left_at", UtcDateTime(), nullable=False),
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
    Column(CHANGED_AT, UtcDateTime(), nullable=True),
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
    Column(CHANGED_AT, UtcDateTime(), nullable=True),  # of the Opened that set the dates
)

# The province's agency registry (AgencyRegistered): an agency's time zone decides its days.
known_agencies = Table(
    "known_agencies",
    roster_metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column(CHANGED_AT, UtcDateTime(), nullable=True),
)

EMPLOYEE_KEY = ["agency_id", "nip"]
OPEN, CLOSED = "open", "closed"


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
    starts_on: date | None = None
    ends_on: date | None = None
    checkpoints: list[dict] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class KnownAgency:
    agency_id: str
    name: str
    kind: str
    timezone: str  # IANA name: Asia/Jakarta, Asia/Makassar or Asia/Jayapura


# What a read selects to build the dataclasses (the tables also hold the projection's bookkeeping).
EMPLOYEE_COLUMNS = tuple(known_employees.c[f.name] for f in fields(KnownEmployee))
UNIT_COLUMNS = tuple(known_units.c[f.name] for f in fields(KnownUnit))
PERIOD_COLUMNS = tuple(known_periods.c[f.name] for f in fields(KnownPeriod))
AGENCY_COLUMNS = tuple(known_agencies.c[f.name] for f in fields(KnownAgency))


# --- applying by event time ----------------------------------------------------------------


def event_time(delivered: Delivered) -> datetime:
    return delivered.envelope.attributes.time


def in_time_order(batch: Iterable[Delivered]) -> list[Delivered]:
    """The batch oldest first. The sort is stable, so events of one time keep their delivery
    order, and the last event of a key (the one an upsert keeps) is its latest."""
    return sorted(batch, key=event_time)


def is_older(time: datetime, than: datetime | None) -> bool:
    """Whether an event of ``time`` is older than the one that set a value at ``than``
    (None: a value set before times were kept, which any event replaces)."""
    return than is not None and time < than


def _not_older(column: str):
    """Upsert condition: the stored row is replaced only by an event at least as recent."""

    def condition(table: Table, excluded):
        return or_(table.c[column].is_(None), excluded[column] >= table.c[column])

    return condition


# --- employees -----------------------------------------------------------------------------


def _employee_row(event: EmployeeRegistered, at: datetime) -> dict:
    return {
        "agency_id": event.agency_id,
        "nip": event.nip,
        "name": event.name,
        "position": event.position,
        "unit": event.unit,
        "appraiser_nip": event.appraiser_nip,
        "unit_id": event.unit_id,
        CHANGED_AT: at,
    }


async def _departures(session: Executor, keys: set[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    if not keys:
        return {}
    rows = (
        await session.execute(select(known_departures).where(bulk.among(session, known_departures, EMPLOYEE_KEY, keys)))
    ).all()
    return {(r.agency_id, r.nip): r.left_at for r in rows}


async def on_employees_registered(batch: Sequence[Delivered[EmployeeRegistered]], uow: UnitOfWork) -> None:
    """A registration (a new employee, or a change of name, position, unit or appraiser) applies
    unless the row holds a newer event or the employee left the agency after it."""
    batch = in_time_order(batch)
    left = await _departures(uow.session, {(d.event.agency_id, d.event.nip) for d in batch})
    rows = [
        _employee_row(d.event, event_time(d))
        for d in batch
        if not is_older(event_time(d), left.get((d.event.agency_id, d.event.nip)))
    ]
    await bulk.upsert(uow.session, known_employees, rows, EMPLOYEE_KEY, where=_not_older(CHANGED_AT))


@dataclass
class Moves:
    """Transfers applied in memory, oldest first, to the roster rows and departures they touch
    (as stored), so a batch is then written with one statement per table. An employee may
    move twice in one batch."""

    rows: dict[tuple[str, str], dict]
    departures: dict[tuple[str, str], datetime]
    removed: set[tuple[str, str]] = field(default_factory=set)
    written: set[tuple[str, str]] = field(default_factory=set)
    departed: set[tuple[str, str]] = field(default_factory=set)

    def move(self, t: EmployeeTransferred, at: datetime) -> None:
        source, destination = (t.previous_agency_id, t.nip), (t.agency_id, t.nip)
        before, current = self.rows.get(source), self.rows.get(destination)
        name = (before or current or {}).get("name", t.nip)  # the name travels with them
        if source != destination:
            # Leaving an agency leaves its scope entirely, and is remembered so that an older
            # event cannot bring them back; a row there set by a newer event than this transfer
            # (they came back since) stays.
            if not is_older(at, self.departures.get(source)):
                self.departures[source] = at
                self.departed.add(source)
            if before is not None and not is_older(at, before[CHANGED_AT]):
                del self.rows[source]
                self.removed.add(source)
                self.written.discard(source)
        if is_older(at, self.departures.get(destination)):
            return  # they left the destination after this move: it is history
        if current is not None and is_older(at, current[CHANGED_AT]):
            return  # the destination holds a newer event about them
        self.rows[destination] = {
            "agency_id": t.agency_id,
            "nip": t.nip,
            "name": name,
            "position": t.position,
            "unit": t.unit,
            "appraiser_nip": t.appraiser_nip,
            "unit_id": t.unit_id,
            CHANGED_AT: at,
        }
        self.written.add(destination)
        self.removed.discard(destination)


async def on_employees_transferred(batch: Sequence[Delivered[EmployeeTransferred]], uow: UnitOfWork) -> None:
    """An employee leaving an agency leaves its scope entirely; the name travels with them."""
    batch = in_time_order(batch)
    session = uow.session
    keys = {k for d in batch for k in ((d.event.previous_agency_id, d.event.nip), (d.event.agency_id, d.event.nip))}
    stored = (
        await session.execute(select(known_employees).where(bulk.among(session, known_employees, EMPLOYEE_KEY, keys)))
    ).all()
    moves = Moves({(r.agency_id, r.nip): dict(r._mapping) for r in stored}, await _departures(session, keys))
    for d in batch:
        moves.move(d.event, event_time(d))
    if moves.removed:
        await session.execute(
            delete(known_employees).where(bulk.among(session, known_employees, EMPLOYEE_KEY, moves.removed))
        )
    await bulk.upsert(
        session,
        known_departures,
        [{"agency_id": a, "nip": nip, "left_at": moves.departures[a, nip]} for a, nip in sorted(moves.departed)],
        EMPLOYEE_KEY,
        where=_not_older("left_at"),
    )
    if batch:
        await session.execute(
            delete(known_departures).where(known_departures.c.left_at < event_time(batch[-1]) - DEPARTURES_KEPT)
        )
    await bulk.upsert(
        session,
        known_employees,
        [moves.rows[k] for k in sorted(moves.written)],
        EMPLOYEE_KEY,
        where=_not_older(CHANGED_AT),
    )


# --- organisation and periods ----------------------------------------------------------------


async def on_work_units_defined(batch: Sequence[Delivered[WorkUnitDefined]], uow: UnitOfWork) -> None:
    """A unit defined again (renamed, moved, a new head) is replaced unless the row is newer."""
    await bulk.upsert(
        uow.session,
        known_units,
        [
            {
                "agency_id": d.event.agency_id,
                "unit_id": d.event.unit_id,
                "name": d.event.name,
                "parent_unit_id": d.event.parent_unit_id,
                "head_nip": d.event.head_nip,
                "serves_public": d.event.serves_public,
                CHANGED_AT: event_time(d),
            }
            for d in in_time_order(batch)
        ],
        ["agency_id", "unit_id"],
        where=_not_older(CHANGED_AT),
    )


async def on_agencies_registered(batch: Sequence[Delivered[AgencyRegistered]], uow: UnitOfWork) -> None:
    """An agency registered again (renamed, another kind or zone) is replaced unless the row is newer."""
    await bulk.upsert(
        uow.session,
        known_agencies,
        [
            {
                "agency_id": d.event.agency_id,
                "name": d.event.name,
                "kind": d.event.kind.value,
                "timezone": d.event.timezone.value,
                CHANGED_AT: event_time(d),
            }
            for d in in_time_order(batch)
        ],
        ["agency_id"],
        where=_not_older(CHANGED_AT),
    )


def _still_open_and_not_newer(table: Table, excluded):
    # Status only goes from open to closed: reopening is no product operation, so an Opened
    # after the close is a replay or a late copy and changes nothing.
    return and_(table.c.status == OPEN, _not_older(CHANGED_AT)(table, excluded))


async def on_periods_opened(batch: Sequence[Delivered[PerformancePeriodOpened]], uow: UnitOfWork) -> None:
    """An Opened again sets an open period's dates and checkpoints, unless it is older than
    the one that set them; it never reopens a closed period."""
    await bulk.upsert(
        uow.session,
        known_periods,
        [
            {
                "agency_id": d.event.agency_id,
                "period_id": d.event.period_id,
                "year": d.event.year,
                "starts_on": d.event.starts_on,
                "ends_on": d.event.ends_on,
                "status": OPEN,
                "checkpoints": [c.model_dump(mode="json") for c in d.event.checkpoints],
                CHANGED_AT: event_time(d),
            }
            for d in in_time_order(batch)
        ],
        ["agency_id", "period_id"],
        update=["year", "starts_on", "ends_on", "checkpoints", CHANGED_AT],
        where=_still_open_and_not_newer,
    )


async def on_periods_closed(
    batch: Sequence[Delivered[PerformancePeriodClosed | PerformancePeriodClosedV1]], uow: UnitOfWork
) -> None:
    # Closing is final whatever the times: a close replayed changes nothing.
    await uow.session.execute(
        known_periods.update()
        .where(
            bulk.keyed_in(
                known_periods, ["agency_id", "period_id"], {(d.event.agency_id, d.event.period_id) for d in batch}
            )
        )
        .values(status=CLOSED)
    )


def subscribe_roster(consumer: EventConsumer) -> None:
    """Keep the roster projection (employees, work units, periods, agencies)."""
    consumer.project(AgencyRegistered, on_agencies_registered)
    consumer.project(EmployeeRegistered, on_employees_registered)
    consumer.project(EmployeeTransferred, on_employees_transferred)
    consumer.project(WorkUnitDefined, on_work_units_defined)
    consumer.project(PerformancePeriodOpened, on_periods_opened)
    consumer.project(PerformancePeriodClosed, on_periods_closed)
    consumer.project(PerformancePeriodClosedV1, on_periods_closed)


# --- the read API ----------------------------------------------------------------------------

# The reads requests make on every call, built once: SQLAlchemy derives a statement's cache key
# on each execution of a new statement object, which for these costs more than PostgreSQL's
# work; a module-level statement keeps its key, and the values go as parameters.
_EMPLOYEE = select(*EMPLOYEE_COLUMNS).where(
    known_employees.c.agency_id == bindparam("agency_id"), known_employees.c.nip == bindparam("nip")
)
_EMPLOYEES = (
    select(*EMPLOYEE_COLUMNS)
    .where(
        known_employees.c.agency_id == bindparam("agency_id"),
        known_employees.c.nip.in_(bindparam("nips", expanding=True)),
    )
    .order_by(known_employees.c.agency_id, known_employees.c.nip)
)
_APPRAISER_OF = select(known_employees.c.appraiser_nip).where(
    known_employees.c.agency_id == bindparam("agency_id"), known_employees.c.nip == bindparam("nip")
)
_PERIOD = select(*PERIOD_COLUMNS).where(
    known_periods.c.agency_id == bindparam("agency_id"), known_periods.c.period_id == bindparam("period_id")
)
_AGENCY = select(*AGENCY_COLUMNS).where(known_agencies.c.agency_id == bindparam("agency_id"))


def _period(row) -> KnownPeriod:
    return KnownPeriod(**{**row._mapping, "checkpoints": list(row.checkpoints or [])})


# --- the roster's answers as columns of a service's own query ---------------------------------
# A use case that reads a row of its own and asks the roster about it gets both in one
# statement: the answer as a correlated subquery (the projection's layout stays in this module).


def appraiser_nip_column(agency_id, nip) -> ScalarSelect:
    """Who the roster names as appraiser of the employee (``agency_id``, ``nip``: columns of
    the outer query, or values), as :meth:`Roster.appraiser_of` answers: null when nobody is
    named or the employee is not on the roster."""
    return (
        select(known_employees.c.appraiser_nip)
        .where(known_employees.c.agency_id == agency_id, known_employees.c.nip == nip)
        .scalar_subquery()
    )


def period_status_column(agency_id, period_id) -> ScalarSelect:
    """The period's status (``OPEN`` or ``CLOSED``, as :attr:`KnownPeriod.status`); null when
    the period is not projected."""
    return (
        select(known_periods.c.status)
        .where(known_periods.c.agency_id == agency_id, known_periods.c.period_id == period_id)
        .scalar_subquery()
    )


def timezone_column(agency_id) -> ScalarSelect:
    """The agency's registered zone: null when it is not registered, whose days are then the
    default zone's (as :func:`registered_timezones` leaves it out)."""
    return select(known_agencies.c.timezone).where(known_agencies.c.agency_id == agency_id).scalar_subquery()


class Roster:
    """What a service may read of the roster projection: who works where, units, periods, agencies.

    The only way in: services never query the projection's tables, so its layout can change
    in one place. Reads answer None (or nothing) for what is not projected (yet); whether that
    is a 404, a wait or a skip is the caller's decision. Bulk reads cost one statement.
    """

    def __init__(self, session: Executor):
        self._session = session

    async def _employees(self, *where, order=True) -> list[KnownEmployee]:
        query = select(*EMPLOYEE_COLUMNS).where(*where)
        if order:
            query = query.order_by(known_employees.c.agency_id, known_employees.c.nip)
        return [KnownEmployee(*r) for r in await self._session.execute(query)]

    async def employee(self, agency_id: str, nip: str) -> KnownEmployee | None:
        row = (await self._session.execute(_EMPLOYEE, {"agency_id": agency_id, "nip": nip})).first()
        return KnownEmployee(*row) if row else None

    async def employees(self, agency_id: str, nips: Collection[str]) -> dict[str, KnownEmployee]:
        """Those of ``nips`` on the agency's roster, by NIP."""
        if not nips:
            return {}
        rows = await self._session.execute(_EMPLOYEES, {"agency_id": agency_id, "nips": sorted(set(nips))})
        return {r.nip: KnownEmployee(*r) for r in rows}

    async def team(self, agency_id: str, appraiser_nip: str) -> list[KnownEmployee]:
        """The employees the roster names ``appraiser_nip`` as appraiser of, in NIP order."""
        return await self._employees(
            known_employees.c.agency_id == agency_id, known_employees.c.appraiser_nip == appraiser_nip
        )

    async def members(self, agency_id: str, unit_id: str | None = None) -> list[KnownEmployee]:
        """The agency's employees (of one work unit when ``unit_id`` is given), in NIP order."""
        where = [known_employees.c.agency_id == agency_id]
        if unit_id is not None:
            where.append(known_employees.c.unit_id == unit_id)
        return await self._employees(*where)

    async def appraiser_of(self, agency_id: str, nip: str) -> str | None:
        return await self._session.scalar(_APPRAISER_OF, {"agency_id": agency_id, "nip": nip})

    async def unit(self, agency_id: str, unit_id: str) -> KnownUnit | None:
        row = (
            await self._session.execute(
                select(*UNIT_COLUMNS).where(known_units.c.agency_id == agency_id, known_units.c.unit_id == unit_id)
            )
        ).first()
        return KnownUnit(*row) if row else None

    async def units(self, agency_id: str) -> list[KnownUnit]:
        rows = await self._session.execute(
            select(*UNIT_COLUMNS).where(known_units.c.agency_id == agency_id).order_by(known_units.c.unit_id)
        )
        return [KnownUnit(*r) for r in rows]

    async def _periods(self, *where) -> list[KnownPeriod]:
        rows = await self._session.execute(
            select(*PERIOD_COLUMNS).where(*where).order_by(known_periods.c.starts_on.desc(), known_periods.c.period_id)
        )
        return [_period(r) for r in rows]

    async def period(self, agency_id: str, period_id: str) -> KnownPeriod | None:
        row = (await self._session.execute(_PERIOD, {"agency_id": agency_id, "period_id": period_id})).first()
        return _period(row) if row else None

    async def periods(self, agency_id: str) -> list[KnownPeriod]:
        """The agency's periods, latest start first."""
        return await self._periods(known_periods.c.agency_id == agency_id)

    async def periods_of_year(self, year: int, agency_id: str | None = None) -> list[KnownPeriod]:
        """The periods of ``year`` of one agency, or of every agency (None: a province-wide read),
        by agency and period id: one statement."""
        where = [known_periods.c.year == year]
        if agency_id is not None:
            where.append(known_periods.c.agency_id == agency_id)
        return sorted(await self._periods(*where), key=lambda p: (p.agency_id, p.period_id))

    async def lock_unit(self, agency_id: str, unit_id: str) -> None:
        """Hold the unit's row lock until the transaction ends, so that writes about one unit
        take turns (PostgreSQL; SQLite has one writer anyway). An unknown unit locks nothing."""
        await self._session.execute(
            select(known_units.c.unit_id)
            .where(known_units.c.agency_id == agency_id, known_units.c.unit_id == unit_id)
            .with_for_update()
        )

    async def employees_in(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], KnownEmployee]:
        """Those of ``keys`` (agency_id, nip), of any number of agencies (a consumer's batch), on
        the roster, by key: one statement."""
        keys = set(keys)
        if not keys:
            return {}
        found = await self._employees(bulk.among(self._session, known_employees, EMPLOYEE_KEY, keys), order=False)
        return {(e.agency_id, e.nip): e for e in found}

    async def periods_in(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], KnownPeriod]:
        """Those of ``keys`` (agency_id, period_id), of any number of agencies, projected, by key:
        one statement."""
        keys = set(keys)
        if not keys:
            return {}
        found = await self._periods(bulk.each_in(known_periods, ["agency_id", "period_id"], keys))
        return {(p.agency_id, p.period_id): p for p in found if (p.agency_id, p.period_id) in keys}

    async def in_units(self, agency_id: str, unit_ids: Collection[str]) -> list[KnownEmployee]:
        """The agency's employees working in any of ``unit_ids``, in NIP order (one statement
        for many units: the members under a head of unit)."""
        if not unit_ids:
            return []
        return await self._employees(
            known_employees.c.agency_id == agency_id, known_employees.c.unit_id.in_(sorted(set(unit_ids)))
        )

    async def agency(self, agency_id: str) -> KnownAgency | None:
        """The agency as the registry last announced it; None when it was never registered."""
        row = (await self._session.execute(_AGENCY, {"agency_id": agency_id})).first()
        return KnownAgency(*row) if row else None

    async def agencies(self) -> list[KnownAgency]:
        """Every registered agency of the province (a few dozen), by id: one statement."""
        rows = await self._session.execute(select(*AGENCY_COLUMNS).order_by(known_agencies.c.agency_id))
        return [KnownAgency(*r) for r in rows]

    # --- across agencies (the province view, issue 11): one statement each ------------------

    async def public_units(self, limit: int, offset: int) -> list[KnownUnit]:
        """A page of the units that serve the public, of every agency, by agency and unit id."""
        rows = await self._session.execute(
            select(*UNIT_COLUMNS)
            .where(known_units.c.serves_public.is_(True))
            .order_by(known_units.c.agency_id, known_units.c.unit_id)
            .limit(limit)
            .offset(offset)
        )
        return [KnownUnit(*r) for r in rows]

    async def headcounts(self) -> dict[str, int]:
        """How many employees each agency's roster holds now, by agency id."""
        rows = await self._session.execute(
            select(known_employees.c.agency_id, func.count()).group_by(known_employees.c.agency_id)
        )
        return {agency_id: int(count) for agency_id, count in rows}


async def registered_timezones(roster, agency_ids: Collection[str]) -> dict[str, str]:
    """The zones of those of ``agency_ids`` the roster knows as registered agencies (one
    statement: one agency, or the province's agencies for a batch)."""
    wanted = set(agency_ids)
    if len(wanted) == 1:
        found = await roster.agency(next(iter(wanted)))
        return {found.agency_id: found.timezone} if found else {}
    if not wanted:
        return {}
    return {a.agency_id: a.timezone for a in await roster.agencies() if a.agency_id in wanted}


class RosterUnitOfWork(UnitOfWork):
    """The unit of work of a service that keeps the roster projection: ``uow.roster`` reads it,
    and the agencies' zones come from it (``await uow.today(agency_id)``)."""

    roster: Roster

    def open_repositories(self, session: Executor) -> None:
        self.roster = Roster(session)

    async def agency_timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        return await registered_timezones(self.roster, agency_ids)
