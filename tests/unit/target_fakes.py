"""target-service's unit of work with no database behind it: in-memory repositories with the
methods of the real ones (target_service.adapters.*), over one shared :class:`TargetState`.

Aggregates are stored and handed out as copies, as a database would: a use case changes its
own copy and only what it saves is kept. Writes land at once (there is no rollback); the
real repositories' refusals (a unique key taken, a row changed meanwhile) answer as they do.
"""

import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from fakes import FakeUnitOfWork
from target_service.domain.agency import Agency
from target_service.domain.iku import Iku
from target_service.domain.organisation import WorkUnit
from target_service.domain.period import Period
from target_service.domain.roster import Employee, Owner
from target_service.domain.skp import Skp
from target_service.domain.transfer import RequestStatus, TransferRequest


@dataclass
class TargetState:
    agencies: dict[str, Agency] = field(default_factory=dict)
    employees: dict[tuple[str, str], Employee] = field(default_factory=dict)  # (agency, nip)
    units: dict[tuple[str, str], WorkUnit] = field(default_factory=dict)  # (agency, unit_id)
    periods: dict[str, Period] = field(default_factory=dict)
    iku: dict[str, tuple[str, Iku]] = field(default_factory=dict)  # iku_id -> (agency, IKU)
    skps: dict[str, Skp] = field(default_factory=dict)
    realisations: list[dict] = field(default_factory=list)  # with agency_id and skp_id
    feedback: list[dict] = field(default_factory=list)
    transfers: dict[str, TransferRequest] = field(default_factory=dict)


class FakeAgencyRepository:
    def __init__(self, state: TargetState):
        self.state = state

    async def get(self, agency_id: str) -> Agency | None:
        return self.state.agencies.get(agency_id)

    async def all(self) -> list[Agency]:
        return [self.state.agencies[a] for a in sorted(self.state.agencies)]

    async def save(self, agency: Agency, at: datetime) -> None:
        self.state.agencies[agency.agency_id] = agency

    async def timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        return {a: self.state.agencies[a].timezone.value for a in agency_ids if a in self.state.agencies}


class FakeRosterRepository:
    def __init__(self, state: TargetState):
        self.state = state

    def _of(self, agency_id: str) -> list[Employee]:
        return sorted((e for (a, _), e in self.state.employees.items() if a == agency_id), key=lambda e: e.nip)

    async def all(self, agency_id: str) -> dict[str, Employee]:
        return {e.nip: e for e in self._of(agency_id)}

    async def employee(self, agency_id: str, nip: str) -> Employee | None:
        return self.state.employees.get((agency_id, nip))

    async def employees(self, agency_id: str, nips) -> dict[str, Employee]:
        return {n: self.state.employees[(agency_id, n)] for n in set(nips) if (agency_id, n) in self.state.employees}

    async def owner(self, agency_id: str, nip: str) -> Owner | None:
        found = self.state.employees.get((agency_id, nip))
        if found is None:
            return None
        heads_root = any(
            a == agency_id and u.parent_unit_id is None and u.head_nip == nip for (a, _), u in self.state.units.items()
        )
        return Owner(found, (agency_id, found.appraiser_nip) in self.state.employees, heads_root)

    async def page(
        self, agency_id: str, limit: int, offset: int, appraiser_nip: str | None
    ) -> tuple[int, list[Employee]]:
        found = [e for e in self._of(agency_id) if not appraiser_nip or e.appraiser_nip == appraiser_nip]
        return len(found), found[offset : offset + limit]

    async def team(self, agency_id: str, appraiser_nip: str) -> list[Employee]:
        return [e for e in self._of(agency_id) if e.appraiser_nip == appraiser_nip]

    async def in_unit(self, agency_id: str, unit_id: str) -> list[Employee]:
        return [e for e in self._of(agency_id) if e.unit_id == unit_id]

    async def add(self, agency_id: str, new: list[Employee]) -> None:
        for e in new:
            assert (agency_id, e.nip) not in self.state.employees, "the primary key (agency, nip) is taken"
            self.state.employees[agency_id, e.nip] = e

    async def update(self, agency_id: str, changed: list[Employee]) -> None:
        for e in changed:
            if (agency_id, e.nip) in self.state.employees:
                self.state.employees[agency_id, e.nip] = e

    async def import_changes(self, agency_id: str, new: list[Employee], changed: list[Employee]) -> bool:
        if any((agency_id, e.nip) in self.state.employees for e in new):
            return False
        await self.add(agency_id, new)
        await self.update(agency_id, changed)
        return True

    async def remove(self, agency_id: str, nip: str) -> None:
        self.state.employees.pop((agency_id, nip), None)


class FakeOrganisationRepository:
    def __init__(self, state: TargetState):
        self.state = state

    async def units(self, agency_id: str) -> dict[str, WorkUnit]:
        return {u.unit_id: u for (a, _), u in self.state.units.items() if a == agency_id}

    async def save_unit(self, agency_id: str, unit: WorkUnit, is_new: bool) -> None:
        assert is_new == ((agency_id, unit.unit_id) not in self.state.units)
        self.state.units[agency_id, unit.unit_id] = unit


class FakePeriodRepository:
    def __init__(self, state: TargetState):
        self.state = state

    async def get(self, agency_id: str, period_id: str, lock: str | None = None) -> Period | None:
        found = self.state.periods.get(period_id)
        return copy.deepcopy(found) if found and found.agency_id == agency_id else None

    async def of_year(self, agency_id: str, year: int) -> Period | None:
        return next((copy.deepcopy(p) for p in await self.all(agency_id) if p.year == year), None)

    async def all(self, agency_id: str) -> list[Period]:
        return sorted(
            (copy.deepcopy(p) for p in self.state.periods.values() if p.agency_id == agency_id),
            key=lambda p: (p.year, p.period_id),
        )

    async def add(self, p: Period) -> bool:
        if any(q.agency_id == p.agency_id and q.year == p.year for q in self.state.periods.values()):
            return False  # uq_periods_agency_year
        self.state.periods[p.period_id] = copy.deepcopy(p)
        return True

    async def save(self, p: Period) -> None:
        self.state.periods[p.period_id] = copy.deepcopy(p)

    async def closing_state(self, agency_id: str, period_id: str) -> list[tuple[str, str | None, int | None, int]]:
        state = []
        for (a, nip), _ in sorted(self.state.employees.items()):
            if a != agency_id:
                continue
            s = next(
                (
                    s
                    for s in self.state.skps.values()
                    if (s.agency_id, s.period_id, s.nip) == (agency_id, period_id, nip) and s.version is not None
                ),
                None,
            )
            if s is None:
                state.append((nip, None, None, 0))
                continue
            count = sum(1 for r in self.state.realisations if (r["agency_id"], r["skp_id"]) == (agency_id, s.skp_id))
            state.append((nip, s.skp_id, s.version, count))
        return state


class FakeIkuRepository:
    def __init__(self, state: TargetState):
        self.state = state

    async def of_period(self, agency_id: str, period_id: str) -> list[Iku]:
        return sorted(
            (i for a, i in self.state.iku.values() if a == agency_id and i.period_id == period_id),
            key=lambda i: i.code,
        )

    async def get(self, agency_id: str, iku_id: str) -> Iku | None:
        found = self.state.iku.get(iku_id)
        return found[1] if found and found[0] == agency_id else None

    async def save(self, agency_id: str, item: Iku, is_new: bool) -> bool:
        if is_new and any(i.period_id == item.period_id and i.code == item.code for _, i in self.state.iku.values()):
            return False  # uq_iku_period_code
        self.state.iku[item.iku_id] = (agency_id, item)
        return True


class FakeSkpRepository:
    def __init__(self, state: TargetState, roster: FakeRosterRepository):
        self.state = state
        self.roster = roster

    def _where(self, agency_id: str, **match) -> list[Skp]:
        return [
            copy.deepcopy(s)
            for s in self.state.skps.values()
            if s.agency_id == agency_id and all(getattr(s, k) == v for k, v in match.items())
        ]

    async def get(self, agency_id: str, skp_id: str) -> tuple[Skp, Owner | None] | None:
        found = self._where(agency_id, skp_id=skp_id)
        return (found[0], await self.roster.owner(agency_id, found[0].nip)) if found else None

    async def of_employee(self, agency_id: str, nip: str, period_id: str | None) -> list[Skp]:
        found = self._where(agency_id, nip=nip, **({"period_id": period_id} if period_id else {}))
        return sorted(found, key=lambda s: (s.period_id, s.skp_id))

    async def in_period(self, agency_id: str, period_id: str, nips: list[str] | None = None) -> list[Skp]:
        found = [s for s in self._where(agency_id, period_id=period_id) if nips is None or s.nip in nips]
        return sorted(found, key=lambda s: (s.nip, s.skp_id))

    async def get_for_change(
        self, agency_id: str, skp_id: str, lock: str | None = None
    ) -> tuple[Skp, Owner | None, Period] | None:
        found = await self.get(agency_id, skp_id)
        if found is None:
            return None
        return *found, copy.deepcopy(self.state.periods[found[0].period_id])

    async def for_decision(
        self, agency_id: str, skp_id: str, lock: str | None = None
    ) -> tuple[Skp, Owner | None, Period, frozenset[str]] | None:
        found = await self.get_for_change(agency_id, skp_id, lock)
        if found is None:
            return None
        s, owner, period = found
        appraiser = owner.employee.appraiser_nip if owner else None
        ids = await self.approved_rhk_ids(agency_id, s.period_id, appraiser) if appraiser else frozenset()
        return s, owner, period, ids

    async def drafting(
        self, agency_id: str, nip: str, period_id: str
    ) -> tuple[Owner | None, Period | None, frozenset[str]]:
        owner = await self.roster.owner(agency_id, nip)
        if owner is None:
            return None, None, frozenset()
        period = self.state.periods.get(period_id)
        period = copy.deepcopy(period) if period and period.agency_id == agency_id else None
        appraiser = owner.employee.appraiser_nip
        ids = await self.approved_rhk_ids(agency_id, period_id, appraiser) if appraiser else frozenset()
        return owner, period, ids

    async def approved_rhk_ids(self, agency_id: str, period_id: str, nip: str) -> frozenset[str]:
        found = self._where(agency_id, period_id=period_id, nip=nip)
        in_force = found[0].in_force if found else None
        return frozenset(r.rhk_id for r in in_force.rhk) if in_force else frozenset()

    async def add(self, s: Skp) -> bool:
        if self._where(s.agency_id, period_id=s.period_id, nip=s.nip):
            return False  # uq_skp_employee_period
        self.state.skps[s.skp_id] = copy.deepcopy(s)
        return True

    async def save(
        self, s: Skp, *, loaded: tuple[int | None, str], new_version: bool = False, plan_changed: bool = False
    ) -> bool:
        stored = self.state.skps[s.skp_id]
        if (stored.version, stored.latest.status.value) != loaded:
            return False  # changed by another request meanwhile
        self.state.skps[s.skp_id] = copy.deepcopy(s)
        return True


class FakeRecords:
    """Realisations or feedback notes: dicts of the columns shown, in the order given by ``stamp``."""

    def __init__(self, rows: list[dict], stamp: str, key: str):
        self.rows, self.stamp, self.key = rows, stamp, key

    async def add(self, agency_id: str, skp_id: str, values: dict) -> None:
        self.rows.append({"agency_id": agency_id, "skp_id": skp_id, **values})

    async def of_skp(self, skp_id: str) -> list[dict]:
        found = sorted((r for r in self.rows if r["skp_id"] == skp_id), key=lambda r: (r[self.stamp], r[self.key]))
        return [{k: v for k, v in r.items() if k not in ("agency_id", "skp_id")} for r in found]


class FakeTransferRepository:
    def __init__(self, state: TargetState):
        self.state = state

    async def add(self, r: TransferRequest) -> bool:
        pending = (r.from_agency, r.nip)
        if any(
            (q.from_agency, q.nip) == pending and q.status is RequestStatus.PENDING
            for q in self.state.transfers.values()
        ):
            return False  # uq_transfer_requests_pending
        self.state.transfers[r.request_id] = copy.deepcopy(r)
        return True

    async def get(self, request_id: str) -> TransferRequest | None:
        found = self.state.transfers.get(request_id)
        return copy.deepcopy(found) if found else None

    async def save_decision(self, r: TransferRequest) -> bool:
        if self.state.transfers[r.request_id].status is not RequestStatus.PENDING:
            return False
        self.state.transfers[r.request_id] = copy.deepcopy(r)
        return True

    async def page(
        self, *, agency_id: str, incoming: bool, status: RequestStatus | None, limit: int, offset: int
    ) -> tuple[int, list[TransferRequest]]:
        found = sorted(
            (
                r
                for r in self.state.transfers.values()
                if (r.to_agency if incoming else r.from_agency) == agency_id and status in (None, r.status)
            ),
            key=lambda r: (r.requested_at, r.request_id),
        )
        return len(found), [copy.deepcopy(r) for r in found[offset : offset + limit]]


class FakeProvinceRepository:
    """The province view's counts over the fake state, as the real statements count them."""

    def __init__(self, state: TargetState):
        self.state = state

    async def headcounts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for agency_id, _nip in self.state.employees:
            counts[agency_id] = counts.get(agency_id, 0) + 1
        return counts

    async def skp_progress(self, year: int, default_before: datetime, before_in=None):
        from target_service.adapters.province import SkpProgress

        def earliest(times) -> datetime | None:
            known = [t for t in times if t is not None]
            return min(known) if known else None

        found = []
        for p in sorted(self.state.periods.values(), key=lambda p: p.agency_id):
            if p.year != year:
                continue
            drafted = submitted = approved = 0
            before = (before_in or {}).get(p.agency_id, default_before)
            for s in self.state.skps.values():
                if (s.agency_id, s.period_id) != (p.agency_id, p.period_id):
                    continue
                v = s.versions
                firsts = (
                    earliest(x.drafted_at or x.submitted_at or x.approved_at for x in v),
                    earliest(x.submitted_at or x.approved_at for x in v),
                    earliest(x.approved_at for x in v),
                )
                drafted, submitted, approved = (
                    n + (t is not None and t < before)
                    for n, t in zip((drafted, submitted, approved), firsts, strict=True)
                )
            found.append(SkpProgress(p.agency_id, p.period_id, p.status.value, drafted, submitted, approved))
        return found


class FakeTargetUnitOfWork(FakeUnitOfWork):
    """Carries the repositories of :class:`target_service.service_layer.unit_of_work.TargetUnitOfWork`."""

    def __init__(self, state: TargetState | None = None, **kwargs):
        super().__init__(**kwargs)
        self.state = state or TargetState()

    def open_repositories(self, session) -> None:
        self.agencies = FakeAgencyRepository(self.state)
        self.roster = FakeRosterRepository(self.state)
        self.organisation = FakeOrganisationRepository(self.state)
        self.periods = FakePeriodRepository(self.state)
        self.iku = FakeIkuRepository(self.state)
        self.skps = FakeSkpRepository(self.state, self.roster)
        self.realisations = FakeRecords(self.state.realisations, "recorded_at", "realization_id")
        self.feedback = FakeRecords(self.state.feedback, "given_at", "feedback_id")
        self.transfers = FakeTransferRepository(self.state)
        self.province = FakeProvinceRepository(self.state)

    async def agency_timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        return await self.agencies.timezones(agency_ids)

    # -- arranging -----------------------------------------------------------------------
    def add_employee(
        self,
        agency_id: str,
        nip: str,
        *,
        appraiser_nip: str | None = None,
        name: str = "Pegawai",
        position: str = "Analis",
        unit: str = "Bidang",
        unit_id: str | None = None,
    ) -> Employee:
        employee = Employee(nip, name, position, unit, appraiser_nip, unit_id)
        self.state.employees[agency_id, nip] = employee
        return employee

    def add_unit(self, agency_id: str, unit: WorkUnit) -> WorkUnit:
        self.state.units[agency_id, unit.unit_id] = unit
        return unit
