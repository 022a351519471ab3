"""target-service's province view on the fake unit of work: the SKPs of a year drafted,
submitted and approved per agency as of a date (the times each version keeps), against the
employees on each agency's roster."""

from datetime import UTC, date, datetime

import pytest
from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone, Aspect, RhkKind
from target_fakes import FakeTargetUnitOfWork
from target_service.domain.agency import Agency
from target_service.domain.rhk import IndikatorDraft, RhkDraft
from target_service.service_layer import periods, province, skp

A, B, C = "dinas-a", "dinas-b", "dinas-c"
HEAD_A, STAFF_A, OTHER_A = "197801012005011001", "198503122010012002", "199001012015032003"
HEAD_B, STAFF_B = "197801012005011501", "198503122010012502"
ATASAN = "196505051990031001"


def plan(**link) -> list[RhkDraft]:
    return [
        RhkDraft(
            RhkKind.UTAMA,
            "Terselesaikannya pengaduan masyarakat",
            (IndikatorDraft(Aspect.KUANTITAS, "Pengaduan yang diselesaikan", 120, "pengaduan"),),
            **link,
        )
    ]


def at(day: int, hour: int = 3) -> datetime:
    """A January 2026 instant in UTC (WIB is UTC+7: 20:00 UTC is the next local day)."""
    return datetime(2026, 1, day, hour, tzinfo=UTC)


async def open_year(uow, agency: str, year: int = 2026) -> str:
    return (await periods.open_new_period(uow, agency_id=agency, year=year, starts_on=None, ends_on=None))["period_id"]


async def draft(uow, agency: str, period_id: str, nip: str, **link) -> str:
    return (await skp.create_skp(uow, agency_id=agency, nip=nip, period_id=period_id, rhk=plan(**link)))["skp_id"]


async def step(uow, agency: str, skp_id: str, actor: str, action: str, **kwargs) -> dict:
    return await skp.change_skp(
        uow, agency_id=agency, skp_id=skp_id, actor_nip=actor, is_hr=False, action=action, **kwargs
    )


@pytest.fixture
async def uow():
    """Agency A: the head's SKP drafted 5 Jan, submitted 6 Jan, approved 8 Jan; a staff member's
    drafted 7 Jan, submitted 9 Jan, returned, submitted again 12 Jan; another staff member has none.
    Agency B: one SKP drafted 10 Jan at 20:00 UTC (11 Jan in WIB). Agency C: employees, no period."""
    uow = FakeTargetUnitOfWork()
    uow.add_employee(A, HEAD_A, appraiser_nip=ATASAN)
    uow.add_employee(A, STAFF_A, appraiser_nip=HEAD_A)
    uow.add_employee(A, OTHER_A, appraiser_nip=HEAD_A)
    uow.add_employee(B, HEAD_B, appraiser_nip=ATASAN)
    uow.add_employee(B, STAFF_B, appraiser_nip=HEAD_B)
    uow.add_employee(C, "197801012005011901")
    uow.time.at = at(1)
    a, b = await open_year(uow, A), await open_year(uow, B)
    await open_year(uow, A, 2025)  # another year
    iku, _ = await periods.define_period_iku(
        uow,
        agency_id=A,
        period_id=a,
        code="IKU-1",
        description="Waktu respon pengaduan",
        target=14,
        unit="hari",
        higher_is_better=False,
    )
    uow.time.at = at(5)
    head = await draft(uow, A, a, HEAD_A, iku_id=iku["iku_id"])
    uow.time.at = at(6)
    await step(uow, A, head, HEAD_A, "submit")
    uow.time.at = at(7)
    staff = await draft(uow, A, a, STAFF_A)
    uow.time.at = at(8)
    await step(uow, A, head, ATASAN, "approve")
    supported = uow.state.skps[head].in_force.rhk[0].rhk_id
    await step(uow, A, staff, STAFF_A, "edit", rhk=plan(supports_rhk_id=supported))
    uow.time.at = at(9)
    await step(uow, A, staff, STAFF_A, "submit")
    uow.time.at = at(10)
    await step(uow, A, staff, HEAD_A, "return", notes="Target terlalu rendah")
    uow.time.at = at(12)
    await step(uow, A, staff, STAFF_A, "submit")
    uow.time.at = at(10, hour=20)
    await draft(uow, B, b, HEAD_B)
    return uow


def figures(report: dict) -> list[tuple]:
    return [
        (x["agency_id"], x["employees"], x["drafted"], x["submitted"], x["approved"], x["without_skp"])
        for x in report["agencies"]
    ]


async def test_progress_per_agency_as_of_a_date(uow):
    report = await province.skp_progress(uow, 2026, date(2026, 1, 8))
    assert report["year"] == 2026 and report["on"] == "2026-01-08"
    assert figures(report) == [(A, 3, 2, 1, 1, 1), (B, 2, 0, 0, 0, 2), (C, 1, 0, 0, 0, 1)]
    assert report["totals"] == {"employees": 6, "drafted": 2, "submitted": 1, "approved": 1, "without_skp": 4}
    a, b, c = report["agencies"]
    assert (a["period_status"], b["period_status"], c["period_id"], c["period_status"]) == ("open", "open", None, None)


async def test_the_first_submission_counts_and_a_returned_plan_stays_submitted(uow):
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 9)))[0] == (A, 3, 2, 2, 1, 1)
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 11)))[0] == (A, 3, 2, 2, 1, 1)
    stored = uow.state.skps
    staff = next(s for s in stored.values() if s.nip == STAFF_A)
    assert staff.latest.submitted_at == at(9), "submitting again keeps the first submission's time"


async def test_a_day_is_the_agency_local_day(uow):
    # Drafted 10 Jan 20:00 UTC = 11 Jan 03:00 WIB: not drafted by the end of 10 Jan, drafted by 11 Jan.
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 10)))[1] == (B, 2, 0, 0, 0, 2)
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 11)))[1] == (B, 2, 1, 0, 0, 1)


async def test_today_by_default_and_an_unknown_year_lists_the_rosters_only(uow):
    uow.time.at = at(31)
    report = await province.skp_progress(uow, 2026)
    assert report["on"] == "2026-01-31"
    assert figures(report) == [(A, 3, 2, 2, 1, 1), (B, 2, 1, 0, 0, 1), (C, 1, 0, 0, 0, 1)]
    assert [(x["agency_id"], x["period_id"]) for x in (await province.skp_progress(uow, 2030))["agencies"]] == [
        (A, None),
        (B, None),
        (C, None),
    ]


async def test_a_version_without_times_counts_by_its_approval(uow):
    """Versions stored before the times were kept (migration 0007) have only approved_at."""
    head = next(s for s in uow.state.skps.values() if s.nip == HEAD_A)
    head.versions[0].drafted_at = head.versions[0].submitted_at = None
    # By 7 Jan only the staff member's draft is known; the head's SKP appears with its approval.
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 7)))[0] == (A, 3, 1, 0, 0, 2)
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 8)))[0] == (A, 3, 2, 1, 1, 1)


async def test_each_agency_counts_by_the_end_of_its_own_day(uow):
    """A draft at 16:00 UTC on 10 Jan is 23:00 WIB on 10 Jan but 01:00 WIT on 11 Jan: by the end of
    10 Jan it counts for an agency in the default zone (WIB), not once B is registered in
    Asia/Jayapura (WIT). A, not registered, keeps counting in WIB."""
    b_period = next(p.period_id for p in uow.state.periods.values() if p.agency_id == B and p.year == 2026)
    uow.time.at = at(10, hour=16)
    await draft(uow, B, b_period, STAFF_B)
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 10)))[1] == (B, 2, 1, 0, 0, 1)
    uow.state.agencies[B] = Agency(B, "Dinas B", AgencyKind.DINAS, AgencyTimezone.WIT)
    by_end_of_10 = figures(await province.skp_progress(uow, 2026, date(2026, 1, 10)))
    assert by_end_of_10[1] == (B, 2, 0, 0, 0, 2)
    assert by_end_of_10[0] == (A, 3, 2, 2, 1, 1)
    assert figures(await province.skp_progress(uow, 2026, date(2026, 1, 11)))[1] == (B, 2, 2, 0, 0, 0)
