"""What the fast tier's use-case tests share: a unit of work with no database behind it.

A service's fake unit of work subclasses :class:`FakeUnitOfWork` and sets in-memory
repositories in ``open_repositories`` (kept across openings: a second ``async with`` sees
what the first committed, as a database would). Events a use case publishes are kept in
``published`` only when it commits, as the outbox would keep them; ``commits`` counts commits.
"""

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from kinerja_contracts import Event, encode_bounded
from kinerja_runtime import telemetry
from kinerja_runtime.clock import Clock, LocalDays
from kinerja_runtime.roster import KnownAgency, KnownEmployee, KnownPeriod, KnownUnit, registered_timezones


class FixedTime:
    """A clock source the test moves by hand."""

    def __init__(self, at: datetime = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class FakeUnitOfWork(LocalDays):
    """``await uow.today(agency_id)`` as the runtime's: the agency's zone from the fake roster
    (``uow.roster.add_agency``), else the clock's default zone (WIB)."""

    def __init__(self, clock: Clock | None = None):
        self.time = FixedTime()
        self.clock = clock or Clock(self.time)
        self.request = None
        self.tracing = telemetry.OFF
        self.published: list[Event] = []
        self.commits = 0
        self._pending: list[Event] = []
        self._opened = False

    async def __aenter__(self):
        if not self._opened:
            self.open_repositories(None)
            self._opened = True
        self._pending = []
        return self

    async def __aexit__(self, *exc) -> None:
        self._pending = []  # what was not committed is gone, as on a rollback

    def open_repositories(self, session) -> None:
        """A subclass makes its in-memory repositories here (once: they live as long as the fake)."""

    async def commit(self) -> None:
        self.published += self._pending
        self._pending = []
        self.commits += 1

    async def publish(self, event: Event, subject: str | None = None):
        encode_bounded(event)  # the same bound the real outbox checks
        self._pending.append(event)

    async def publish_many(self, events: Sequence[Event], *, causes=None):
        for event in events:
            await self.publish(event)
        return []

    def events(self, kind: type[Event]) -> list:
        return [e for e in self.published if isinstance(e, kind)]

    async def agency_timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        roster = getattr(self, "roster", None)
        if not isinstance(roster, FakeRoster):
            return {}
        return await registered_timezones(roster, agency_ids)


class FakeRoster:
    """The roster read API (:class:`kinerja_runtime.roster.Roster`) over plain dictionaries."""

    def __init__(self):
        self.people: dict[tuple[str, str], KnownEmployee] = {}
        self.known_units: dict[tuple[str, str], KnownUnit] = {}
        self.known_periods: dict[tuple[str, str], KnownPeriod] = {}
        self.known_agencies: dict[str, KnownAgency] = {}

    # -- arranging -----------------------------------------------------------------------
    def add_agency(
        self, agency_id: str, timezone: str = "Asia/Jakarta", *, name: str = "Dinas", kind: str = "dinas"
    ) -> KnownAgency:
        known = KnownAgency(agency_id, name, kind, timezone)
        self.known_agencies[agency_id] = known
        return known

    def add_employee(
        self,
        agency_id: str,
        nip: str,
        *,
        appraiser_nip: str | None = None,
        name: str = "Pegawai",
        unit_id: str | None = None,
        position: str = "Analis",
        unit: str = "Bidang",
    ) -> KnownEmployee:
        known = KnownEmployee(agency_id, nip, name, position, unit, appraiser_nip, unit_id)
        self.people[agency_id, nip] = known
        return known

    def add_period(
        self,
        agency_id: str,
        period_id: str,
        year: int = 2026,
        *,
        status: str = "open",
        checkpoints: list[dict] | None = None,
    ) -> KnownPeriod:
        known = KnownPeriod(agency_id, period_id, year, status, date(year, 1, 1), date(year, 12, 31), checkpoints or [])
        self.known_periods[agency_id, period_id] = known
        return known

    def close_period(self, agency_id: str, period_id: str) -> None:
        self.known_periods[agency_id, period_id] = replace(self.known_periods[agency_id, period_id], status="closed")

    def add_unit(
        self,
        agency_id: str,
        unit_id: str,
        *,
        head_nip: str | None = None,
        name: str = "Unit",
        parent_unit_id: str | None = None,
        serves_public: bool = False,
    ) -> KnownUnit:
        known = KnownUnit(agency_id, unit_id, name, parent_unit_id, head_nip, serves_public)
        self.known_units[agency_id, unit_id] = known
        return known

    # -- the read API --------------------------------------------------------------------
    async def employee(self, agency_id: str, nip: str) -> KnownEmployee | None:
        return self.people.get((agency_id, nip))

    async def employees(self, agency_id: str, nips) -> dict[str, KnownEmployee]:
        return {n: self.people[agency_id, n] for n in nips if (agency_id, n) in self.people}

    async def team(self, agency_id: str, appraiser_nip: str) -> list[KnownEmployee]:
        return sorted(
            (e for (a, _), e in self.people.items() if a == agency_id and e.appraiser_nip == appraiser_nip),
            key=lambda e: e.nip,
        )

    async def members(self, agency_id: str, unit_id: str | None = None) -> list[KnownEmployee]:
        return sorted(
            (e for (a, _), e in self.people.items() if a == agency_id and (unit_id is None or e.unit_id == unit_id)),
            key=lambda e: e.nip,
        )

    async def appraiser_of(self, agency_id: str, nip: str) -> str | None:
        found = self.people.get((agency_id, nip))
        return found.appraiser_nip if found else None

    async def unit(self, agency_id: str, unit_id: str) -> KnownUnit | None:
        return self.known_units.get((agency_id, unit_id))

    async def units(self, agency_id: str) -> list[KnownUnit]:
        return sorted((u for (a, _), u in self.known_units.items() if a == agency_id), key=lambda u: u.unit_id)

    async def period(self, agency_id: str, period_id: str) -> KnownPeriod | None:
        return self.known_periods.get((agency_id, period_id))

    async def periods(self, agency_id: str) -> list[KnownPeriod]:
        return sorted(
            (p for (a, _), p in self.known_periods.items() if a == agency_id),
            key=lambda p: (p.starts_on, p.period_id),
            reverse=True,
        )

    async def periods_of_year(self, year: int, agency_id: str | None = None) -> list[KnownPeriod]:
        return sorted(
            (p for (a, _), p in self.known_periods.items() if p.year == year and agency_id in (None, a)),
            key=lambda p: (p.agency_id, p.period_id),
        )

    async def lock_unit(self, agency_id: str, unit_id: str) -> None:
        """One test, one writer: nothing to wait for."""

    async def employees_in(self, keys) -> dict[tuple[str, str], KnownEmployee]:
        return {k: self.people[k] for k in set(keys) if k in self.people}

    async def periods_in(self, keys) -> dict[tuple[str, str], KnownPeriod]:
        return {k: self.known_periods[k] for k in set(keys) if k in self.known_periods}

    async def agency(self, agency_id: str) -> KnownAgency | None:
        return self.known_agencies.get(agency_id)

    async def agencies(self) -> list[KnownAgency]:
        return [self.known_agencies[a] for a in sorted(self.known_agencies)]

    async def in_units(self, agency_id: str, unit_ids) -> list[KnownEmployee]:
        return sorted(
            (e for (a, _), e in self.people.items() if a == agency_id and e.unit_id in set(unit_ids)),
            key=lambda e: e.nip,
        )

    # -- across agencies (the province view) ----------------------------------------------
    async def public_units(self, limit: int, offset: int) -> list[KnownUnit]:
        found = sorted(
            (u for u in self.known_units.values() if u.serves_public), key=lambda u: (u.agency_id, u.unit_id)
        )
        return found[offset : offset + limit]

    async def headcounts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for agency_id, _nip in self.people:
            counts[agency_id] = counts.get(agency_id, 0) + 1
        return counts
