"""target-service's use cases on a fake unit of work (no database, no broker): the SKP from
draft to approval, return and realisation, a period's close, and the refusals on the way."""

from datetime import date, timedelta

import pytest
from kinerja_contracts import (
    EmployeePeriodClosed,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetRevised,
    TargetSet,
)
from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState
from target_fakes import FakeTargetUnitOfWork
from target_service.domain.errors import UnknownIndicator
from target_service.domain.period import PeriodStatus
from target_service.domain.rhk import IndikatorDraft, RhkDraft
from target_service.domain.skp import SkpStatus
from target_service.domain.transfer import RequestStatus
from target_service.service_layer import periods, realisation, roster, skp, transfers

AGENCY = "dinas-kominfo"
HR = "196805051990031001"
BUDI = "197801012005011001"  # Kepala Dinas: his appraiser is outside the agency
ATASAN = "196505051990031001"
SITI = "198503122010012002"  # appraised by Budi
RINA = "199001012015032003"  # appraised by Budi too


def plan(**link) -> list[RhkDraft]:
    return [
        RhkDraft(
            RhkKind.UTAMA,
            "Terselesaikannya pengaduan masyarakat",
            (IndikatorDraft(Aspect.KUANTITAS, "Pengaduan yang diselesaikan", 120, "pengaduan"),),
            **link,
        )
    ]


@pytest.fixture
async def uow():
    uow = FakeTargetUnitOfWork()
    uow.add_employee(AGENCY, BUDI, appraiser_nip=ATASAN, name="Budi", position="Kepala Dinas")
    uow.add_employee(AGENCY, SITI, appraiser_nip=BUDI, name="Siti")
    uow.add_employee(AGENCY, RINA, appraiser_nip=BUDI, name="Rina")
    return uow


@pytest.fixture
async def period_id(uow) -> str:
    opened = await periods.open_new_period(uow, agency_id=AGENCY, year=2026, starts_on=None, ends_on=None)
    return opened["period_id"]


@pytest.fixture
async def iku_id(uow, period_id) -> str:
    iku, created = await periods.define_period_iku(
        uow,
        agency_id=AGENCY,
        period_id=period_id,
        code="IKU-1",
        description="Waktu respon pengaduan",
        target=14,
        unit="hari",
        higher_is_better=False,
    )
    assert created
    return iku["iku_id"]


async def draft(uow, period_id: str, nip: str, **link) -> str:
    return (await skp.create_skp(uow, agency_id=AGENCY, nip=nip, period_id=period_id, rhk=plan(**link)))["skp_id"]


async def step(uow, skp_id: str, actor: str, action: str, *, is_hr: bool = False, **kwargs) -> dict:
    return await skp.change_skp(
        uow, agency_id=AGENCY, skp_id=skp_id, actor_nip=actor, is_hr=is_hr, action=action, **kwargs
    )


async def approved_skp_of_budi(uow, period_id: str, iku_id: str) -> str:
    skp_id = await draft(uow, period_id, BUDI, iku_id=iku_id)
    await step(uow, skp_id, BUDI, "submit")
    await step(uow, skp_id, ATASAN, "approve")
    return skp_id


# -- periods ---------------------------------------------------------------------------------


async def test_opening_a_period_stores_it_with_quarters_and_announces_it(uow, period_id):
    stored = uow.state.periods[period_id]
    assert (stored.year, stored.status) == (2026, PeriodStatus.OPEN)
    assert [c.checkpoint_id for c in stored.checkpoints] == [f"triwulan-{n}" for n in range(1, 5)]
    [opened] = uow.events(PerformancePeriodOpened)
    assert (opened.period_id, opened.year, len(opened.checkpoints)) == (period_id, 2026, 4)


async def test_a_second_period_of_the_same_year_is_a_conflict(uow, period_id):
    with pytest.raises(WrongState, match="the 2026 period already exists"):
        await periods.open_new_period(uow, agency_id=AGENCY, year=2026, starts_on=None, ends_on=None)
    assert len(uow.state.periods) == 1
    assert len(uow.events(PerformancePeriodOpened)) == 1


# -- the SKP's lifecycle -----------------------------------------------------------------------


async def test_an_employee_drafts_their_skp_without_announcing_anything(uow, period_id, iku_id):
    commits = uow.commits
    view = await skp.create_skp(uow, agency_id=AGENCY, nip=BUDI, period_id=period_id, rhk=plan(iku_id=iku_id))
    stored = uow.state.skps[view["skp_id"]]
    assert (stored.nip, stored.period_id, stored.version, stored.latest.status) == (
        BUDI,
        period_id,
        None,
        SkpStatus.DRAFT,
    )
    assert stored.latest.rhk[0].iku_id == iku_id
    assert (view["status"], view["version"], view["realizations"]) == ("draft", None, [])
    assert uow.commits == commits + 1
    assert uow.events(TargetSet) == []


async def test_a_second_skp_in_the_same_period_is_a_conflict(uow, period_id, iku_id):
    await draft(uow, period_id, BUDI, iku_id=iku_id)
    with pytest.raises(WrongState, match="already has an SKP in this period"):
        await draft(uow, period_id, BUDI, iku_id=iku_id)
    assert len(uow.state.skps) == 1


async def test_someone_off_the_roster_cannot_draft(uow, period_id):
    with pytest.raises(NotFound, match="no such employee"):
        await draft(uow, period_id, ATASAN)
    assert uow.state.skps == {}


async def test_approval_by_the_appraiser_sets_the_targets(uow, period_id, iku_id):
    skp_id = await draft(uow, period_id, BUDI, iku_id=iku_id)
    submitted = await step(uow, skp_id, BUDI, "submit")
    assert submitted["status"] == "submitted"
    assert uow.state.skps[skp_id].latest.status is SkpStatus.SUBMITTED

    view = await step(uow, skp_id, ATASAN, "approve")

    stored = uow.state.skps[skp_id]
    assert (stored.version, stored.in_force.approved_by) == (1, ATASAN)
    assert stored.in_force.approved_at == uow.clock.now()  # the unit of work's clock, not the system's
    assert view["approved_at"] == uow.clock.now().isoformat()
    [target_set] = uow.events(TargetSet)
    assert (target_set.skp_id, target_set.nip, target_set.version, target_set.approved_by) == (skp_id, BUDI, 1, ATASAN)
    assert [r.iku_id for r in target_set.rhk] == [iku_id]
    assert uow.events(TargetRevised) == []


async def test_only_the_appraiser_approves(uow, period_id, iku_id):
    skp_id = await draft(uow, period_id, BUDI, iku_id=iku_id)
    await step(uow, skp_id, BUDI, "submit")

    with pytest.raises(NotPermitted, match="may not approve their own SKP"):
        await step(uow, skp_id, BUDI, "approve")
    with pytest.raises(NotPermitted, match="only the employee's appraiser may approve"):
        await step(uow, skp_id, HR, "approve", is_hr=True)  # HR reads the SKP but does not approve it
    with pytest.raises(NotFound, match="no such SKP"):
        await step(uow, skp_id, SITI, "approve")  # not theirs to read: answered like a missing one

    assert uow.state.skps[skp_id].latest.status is SkpStatus.SUBMITTED
    assert uow.events(TargetSet) == []


async def test_a_draft_cannot_be_approved(uow, period_id, iku_id):
    skp_id = await draft(uow, period_id, BUDI, iku_id=iku_id)
    with pytest.raises(WrongState, match="only a submitted SKP can be approved"):
        await step(uow, skp_id, ATASAN, "approve")
    assert uow.events(TargetSet) == []


async def test_returned_for_revision_with_notes_then_resubmitted(uow, period_id, iku_id):
    head = await approved_skp_of_budi(uow, period_id, iku_id)
    supported = uow.state.skps[head].in_force.rhk[0].rhk_id
    skp_id = await draft(uow, period_id, SITI, supports_rhk_id=supported)
    await step(uow, skp_id, SITI, "submit")

    with pytest.raises(InvalidInput, match="needs notes"):
        await step(uow, skp_id, BUDI, "return", notes="  ")
    returned = await step(uow, skp_id, BUDI, "return", notes="Targetnya terlalu rendah")

    stored = uow.state.skps[skp_id]
    assert (stored.latest.status, stored.latest.notes, stored.version) == (
        SkpStatus.RETURNED,
        "Targetnya terlalu rendah",
        None,
    )
    assert (returned["status"], returned["notes"]) == ("returned", "Targetnya terlalu rendah")
    assert [e.skp_id for e in uow.events(TargetSet)] == [head]  # returning announces nothing

    await step(uow, skp_id, SITI, "submit")
    await step(uow, skp_id, BUDI, "approve")
    assert [e.skp_id for e in uow.events(TargetSet)] == [head, skp_id]


async def test_a_revision_approved_is_announced_as_revised(uow, period_id, iku_id):
    skp_id = await approved_skp_of_budi(uow, period_id, iku_id)
    await step(uow, skp_id, BUDI, "revise", rhk=plan(iku_id=iku_id), notes="Target baru")
    assert (uow.state.skps[skp_id].version, uow.state.skps[skp_id].latest.number) == (1, 2)
    await step(uow, skp_id, BUDI, "submit")
    await step(uow, skp_id, ATASAN, "approve")

    [revised] = uow.events(TargetRevised)
    assert (revised.version, revised.previous_version, revised.reason) == (2, 1, "Target baru")
    assert uow.state.skps[skp_id].version == 2


async def test_a_link_to_an_rhk_not_approved_is_refused(uow, period_id, iku_id):
    await draft(uow, period_id, BUDI, iku_id=iku_id)  # Budi's plan: a draft, nothing to support yet
    skp_id = await draft(uow, period_id, SITI)
    with pytest.raises(InvalidInput):
        await step(uow, skp_id, SITI, "submit")
    assert uow.state.skps[skp_id].latest.status is SkpStatus.DRAFT


# -- during the year -------------------------------------------------------------------------


async def test_a_realisation_is_recorded_and_announced(uow, period_id, iku_id):
    skp_id = await approved_skp_of_budi(uow, period_id, iku_id)
    iki_id = uow.state.skps[skp_id].in_force.rhk[0].indikator[0].iki_id

    recorded = await realisation.record_realization(
        uow,
        agency_id=AGENCY,
        skp_id=skp_id,
        actor_nip=BUDI,
        is_hr=False,
        iki_id=iki_id,
        value=30,
        evidence="https://dokumen/1",
        checkpoint_id="triwulan-1",
    )

    [stored] = uow.state.realisations
    assert (stored["skp_id"], stored["iki_id"], stored["value"], stored["checkpoint_id"]) == (
        skp_id,
        iki_id,
        30.0,
        "triwulan-1",
    )
    assert stored["recorded_at"] == uow.clock.now()
    [event] = uow.events(RealizationRecorded)
    assert (event.skp_id, event.nip, event.iki_id, event.value, event.realization_id) == (
        skp_id,
        BUDI,
        iki_id,
        30.0,
        recorded["realization_id"],
    )
    assert event.recorded_at == uow.clock.now()
    view = await skp.get_skp(uow, agency_id=AGENCY, skp_id=skp_id, actor_nip=BUDI, is_hr=False)
    assert [r["realization_id"] for r in view["realizations"]] == [recorded["realization_id"]]


async def test_a_realisation_names_an_iki_of_the_skp_and_a_checkpoint_of_the_period(uow, period_id, iku_id):
    skp_id = await approved_skp_of_budi(uow, period_id, iku_id)
    iki_id = uow.state.skps[skp_id].in_force.rhk[0].indikator[0].iki_id
    record = dict(agency_id=AGENCY, skp_id=skp_id, actor_nip=BUDI, is_hr=False, value=1, evidence=None)

    with pytest.raises(UnknownIndicator):
        await realisation.record_realization(uow, **record, iki_id="no-such-iki", checkpoint_id="triwulan-1")
    with pytest.raises(InvalidInput, match="checkpoint_id is required") as refused:
        await realisation.record_realization(uow, **record, iki_id=iki_id, checkpoint_id=None)
    assert refused.value.details == {"field": "checkpoint_id"}
    assert uow.state.realisations == []
    assert uow.events(RealizationRecorded) == []


# -- closing the period ----------------------------------------------------------------------


async def test_closing_the_period_announces_it_per_employee(uow, period_id, iku_id):
    skp_id = await approved_skp_of_budi(uow, period_id, iku_id)
    iki_id = uow.state.skps[skp_id].in_force.rhk[0].indikator[0].iki_id
    for checkpoint in ("triwulan-1", "triwulan-2"):
        await realisation.record_realization(
            uow,
            agency_id=AGENCY,
            skp_id=skp_id,
            actor_nip=BUDI,
            is_hr=False,
            iki_id=iki_id,
            value=10,
            evidence=None,
            checkpoint_id=checkpoint,
        )
    await draft(uow, period_id, SITI)  # a draft only: nothing in force
    uow.time.at += timedelta(days=200)

    closed = await periods.close_period(uow, agency_id=AGENCY, period_id=period_id)

    assert (closed["status"], closed["employees"]) == ("closed", 3)
    stored = uow.state.periods[period_id]
    assert (stored.status, stored.closed_at) == (PeriodStatus.CLOSED, uow.clock.now())
    [announced] = uow.events(PerformancePeriodClosed)
    assert (announced.employee_count, announced.closed_at) == (3, uow.clock.now())
    per_employee = {e.nip: (e.skp_id, e.skp_version, e.realization_count) for e in uow.events(EmployeePeriodClosed)}
    assert per_employee == {BUDI: (skp_id, 1, 2), SITI: (None, None, 0), RINA: (None, None, 0)}


async def test_a_closed_period_refuses_changes_and_a_second_close(uow, period_id, iku_id):
    await periods.close_period(uow, agency_id=AGENCY, period_id=period_id)
    with pytest.raises(WrongState, match="already closed"):
        await periods.close_period(uow, agency_id=AGENCY, period_id=period_id)
    with pytest.raises(WrongState, match="period is closed; drafting an SKP"):
        await draft(uow, period_id, BUDI, iku_id=iku_id)
    assert len(uow.events(PerformancePeriodClosed)) == 1
    assert uow.state.skps == {}


async def test_an_unknown_period_is_not_found(uow):
    with pytest.raises(NotFound, match="no such period"):
        await periods.close_period(uow, agency_id=AGENCY, period_id="nope")


# -- the roster and transfers ----------------------------------------------------------------


async def test_a_pending_transfer_request_cannot_be_made_twice(uow):
    ask = dict(
        agency_id=AGENCY,
        requested_by=HR,
        nip=SITI,
        to_agency_id="dinas-lain",
        unit_id=None,
        position=None,
        appraiser_nip=None,
        effective_on=date(2026, 7, 1),
    )
    first = await transfers.request_transfer(uow, **ask)
    with pytest.raises(WrongState, match="already pending"):
        await transfers.request_transfer(uow, **ask)
    [stored] = uow.state.transfers.values()
    assert (stored.request_id, stored.status, stored.requested_at) == (
        first["request_id"],
        RequestStatus.PENDING,
        uow.clock.now(),
    )

    with pytest.raises(NotPermitted, match="only the sending agency's HR may withdraw"):
        await transfers.withdraw_request(uow, agency_id="dinas-lain", decided_by=HR, request_id=first["request_id"])
    await transfers.withdraw_request(uow, agency_id=AGENCY, decided_by=HR, request_id=first["request_id"])
    assert uow.state.transfers[first["request_id"]].status is RequestStatus.WITHDRAWN
    with pytest.raises(WrongState, match="already withdrawn"):
        await transfers.decline_request(
            uow, agency_id="dinas-lain", decided_by=HR, request_id=first["request_id"], reason=None
        )


async def test_an_employee_reads_only_their_own_record(uow):
    assert (await roster.get_employee(uow, agency_id=AGENCY, nip=SITI, reader_nip=BUDI, reader_is_hr=False))[
        "name"
    ] == "Siti"
    with pytest.raises(NotFound):
        await roster.get_employee(uow, agency_id=AGENCY, nip=SITI, reader_nip=RINA, reader_is_hr=False)


async def test_a_close_writes_its_events_a_slice_at_a_time_in_roster_order(uow, period_id, monkeypatch):
    monkeypatch.setattr(periods, "EVENTS_PER_STATEMENT", 2)
    statements, publish_many = [], uow.publish_many

    async def counted(events, **kwargs):
        statements.append(len(events))
        return await publish_many(events, **kwargs)

    monkeypatch.setattr(uow, "publish_many", counted)
    before = len(uow.published)
    await periods.close_period(uow, agency_id=AGENCY, period_id=period_id)

    assert statements == [2, 1]
    announced, *per_employee = uow.published[before:]
    assert isinstance(announced, PerformancePeriodClosed) and announced.employee_count == 3
    assert all(isinstance(e, EmployeePeriodClosed) for e in per_employee)
    assert [e.nip for e in per_employee] == sorted([BUDI, SITI, RINA])
