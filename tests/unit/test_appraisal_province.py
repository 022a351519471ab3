"""appraisal-service's province view on the fake unit of work: every agency's final annual
predikat against the organisation predikat its HR recorded (the SE MenPANRB 3/2023 curve, by the
domain's rule), and every agency's objections by outcome, for one year."""

from datetime import UTC, date, datetime

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.domain import Appraisal, Objection, ObjectionStatus, OrganisationPredikat, Status
from appraisal_service.service_layer import province, reports
from kinerja_runtime.refusals import NotFound

A, B, C = "dinas-a", "dinas-b", "dinas-c"
AT = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
HR = "197501052000011900"


def result(agency: str, period: str, n: int, predikat: str, status: Status = Status.FINAL) -> Appraisal:
    final = status is not Status.PROPOSED
    return Appraisal(
        appraisal_id=f"{agency}-{period}-{n}",
        agency_id=agency,
        period_id=period,
        nip=f"1990010120150110{n:02d}",
        kind="annual",
        checkpoint_id=None,
        scope="annual",
        revision=1,
        status=status,
        proposed_rating_hasil_kerja="sesuai_ekspektasi",
        proposed_rating_perilaku="sesuai_ekspektasi",
        proposed_predikat="baik" if final else predikat,
        proposed_at=AT,
        policy_version="default-1",
        summary={},
        explanation={},
        predikat=predikat if final else None,
    )


def objection(agency: str, period: str, n: int, status: ObjectionStatus) -> Objection:
    return Objection(
        objection_id=f"obj-{agency}-{n}",
        agency_id=agency,
        period_id=period,
        nip=f"1990010120150110{n:02d}",
        appraisal_id=f"{agency}-{period}-{n}",
        reasons="Bukti belum dihitung.",
        filed_on=date(2026, 1, 22),
        filed_at=AT,
        superior_nip="197001011990031001",
        status=status,
    )


@pytest.fixture
def uow() -> FakeAppraisalUnitOfWork:
    """Three agencies with a 2025 period (C has no results), one agency's 2024 period: A has ten
    final results (1 SB, 8 B, 1 BP) and one proposal; B has two final (both SB)."""
    uow = FakeAppraisalUnitOfWork()
    for agency in (A, B, C):
        uow.roster.add_period(agency, f"{agency}-2025", 2025, status="closed")
    uow.roster.add_period(A, "a-2024", 2024, status="closed")
    rows = [result(A, f"{A}-2025", 0, "sangat_baik"), result(A, f"{A}-2025", 9, "butuh_perbaikan")]
    rows += [result(A, f"{A}-2025", n, "baik") for n in range(1, 9)]
    rows += [result(A, f"{A}-2025", 10, "sangat_kurang", Status.PROPOSED)]
    rows += [result(A, f"{A}-2025", 11, "kurang_misconduct", Status.SUPERSEDED)]  # not current: not counted
    rows += [result(B, f"{B}-2025", n, "sangat_baik") for n in range(2)]
    rows += [result(A, "a-2024", 0, "sangat_kurang")]  # another year
    for row in rows:
        uow.appraisals.rows[row.appraisal_id] = row
    return uow


async def test_each_agency_of_the_year_with_its_final_predikat_by_category(uow):
    report = await province.predikat_distribution(uow, 2025)

    assert report["year"] == 2025
    assert [a["agency_id"] for a in report["agencies"]] == [A, B, C]
    a, b, c = report["agencies"]
    assert a["counts"] == {
        "sangat_baik": 1,
        "baik": 8,
        "butuh_perbaikan": 1,
        "kurang_misconduct": 0,
        "sangat_kurang": 0,
    }
    assert (a["total"], a["proposed"]) == (10, 1)
    assert (b["total"], b["counts"]["sangat_baik"]) == (2, 2)
    assert (c["total"], sum(c["counts"].values())) == (0, 0)
    # No organisation predikat recorded: no curve, no verdict.
    assert all(x["organisation_predikat"] is None and x["bounds"] == [] and x["ok"] is None for x in (a, b, c))
    assert report["without_organisation_predikat"] == 3 and report["with_violations"] == 0


async def test_the_curve_of_a_recorded_organisation_predikat_names_the_bounds_broken(uow):
    await reports.record_organisation_predikat(uow, A, f"{A}-2025", OrganisationPredikat.BAIK, HR)
    await reports.record_organisation_predikat(uow, B, f"{B}-2025", "cukup", HR)  # butuh_perbaikan

    report = await province.predikat_distribution(uow, 2025)
    a, b, c = report["agencies"]

    # Baik: Baik at most 70 % (8 of 10 breaks it, 7 allowed), at least one BP or K (1: holds).
    assert a["organisation_predikat"] == "baik"
    assert [(x["bound"], x["allowed_count"], x["actual_count"], x["ok"]) for x in a["bounds"]] == [
        ("baik_at_most_70_percent", 7, 8, False),
        ("butuh_perbaikan_or_kurang_misconduct_at_least_1", 1, 1, True),
    ]
    assert [x["bound"] for x in a["violations"]] == ["baik_at_most_70_percent"] and a["ok"] is False
    # Butuh perbaikan: BP at least 60 % (0 of 2), SB at most 10 % (2 of 2): both broken.
    assert b["organisation_predikat"] == "butuh_perbaikan"
    assert [(x["bound"], x["actual_percent"], x["ok"]) for x in b["bounds"]] == [
        ("butuh_perbaikan_at_least_60_percent", 0.0, False),
        ("sangat_baik_at_most_10_percent", 100.0, False),
    ]
    assert c["organisation_predikat"] is None
    assert (report["with_violations"], report["without_organisation_predikat"]) == (2, 1)


async def test_the_same_curve_as_the_agency_calibration_gives(uow):
    """The province sees what the agency's HR sees calibrating final results only."""
    await reports.record_organisation_predikat(uow, A, f"{A}-2025", OrganisationPredikat.BAIK, HR)
    mine = await reports.calibration(uow, A, f"{A}-2025", OrganisationPredikat.BAIK, None, include_proposals=False)
    seen = (await province.predikat_distribution(uow, 2025))["agencies"][0]
    assert seen["bounds"] == mine["bounds"] and seen["counts"] == mine["counts"]


async def test_recording_the_organisation_predikat_replaces_it_and_needs_a_known_period(uow):
    await reports.record_organisation_predikat(uow, A, f"{A}-2025", OrganisationPredikat.BAIK, HR)
    made = await reports.record_organisation_predikat(uow, A, f"{A}-2025", OrganisationPredikat.ISTIMEWA, HR)
    assert made["organisation_predikat"] == "istimewa" and made["set_by"] == HR
    assert (await reports.distribution(uow, A, f"{A}-2025", True))["organisation_predikat"] == "istimewa"
    assert (await reports.distribution(uow, B, f"{B}-2025", True))["organisation_predikat"] is None
    with pytest.raises(NotFound):
        await reports.record_organisation_predikat(uow, A, "nowhere", OrganisationPredikat.BAIK, HR)


async def test_a_year_without_periods_lists_no_agency(uow):
    assert (await province.predikat_distribution(uow, 2030))["agencies"] == []
    assert (await province.objections(uow, 2030))["agencies"] == []


async def test_objections_per_agency_by_outcome(uow):
    rows = [
        objection(A, f"{A}-2025", 1, ObjectionStatus.OPEN),
        objection(A, f"{A}-2025", 2, ObjectionStatus.UPHELD),
        objection(A, f"{A}-2025", 3, ObjectionStatus.UPHELD),
        objection(A, f"{A}-2025", 4, ObjectionStatus.CHANGED),
        objection(B, f"{B}-2025", 1, ObjectionStatus.CHANGED),
        objection(A, "a-2024", 5, ObjectionStatus.OPEN),  # another year
    ]
    for row in rows:
        uow.objections.rows[row.objection_id] = row

    report = await province.objections(uow, 2025)

    assert [
        (x["agency_id"], x["filed"], x["open"], x["decided"], x["upheld"], x["changed"]) for x in report["agencies"]
    ] == [(A, 4, 1, 3, 2, 1), (B, 1, 0, 1, 0, 1), (C, 0, 0, 0, 0, 0)]
    assert report["totals"] == {"filed": 5, "open": 1, "decided": 4, "upheld": 2, "changed": 2}
    assert (await province.objections(uow, 2024))["totals"]["filed"] == 1
