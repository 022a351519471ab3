"""feedback-service's province view on the fake unit of work: the IKM and mutu of every public
unit of every agency for one year, computed by the satisfaction rule the agency's HR reads."""

import pytest
from feedback_fakes import FakeFeedbackUnitOfWork
from feedback_service.service_layer import province, surveys
from kinerja_contracts.vocabulary import SkmElement

A, B, C = "dinas-a", "dinas-b", "dinas-c"
GOOD, FAIR = {e: 4 for e in SkmElement}, {e: 3 for e in SkmElement}


async def answer(uow, agency: str, unit: str, submission: str, elements: dict) -> None:
    await surveys.answer_survey(
        uow,
        agency_id=agency,
        unit_id=unit,
        submission_id=submission,
        elements=elements,
        officer_nip=None,
        comment=None,
    )


@pytest.fixture
async def uow() -> FakeFeedbackUnitOfWork:
    """2026 (today is 1 June 2026): A's counter answered 4 and 3 everywhere (IKM 87.50, B), A's
    clinic all 4 (100, A), B's counter all 3 (75, C), B's archive serves no public; C has a public
    unit but only a period of 2025."""
    uow = FakeFeedbackUnitOfWork()
    for agency in (A, B):
        uow.roster.add_period(agency, f"{agency}-2026", 2026)
    uow.roster.add_period(C, "c-2025", 2025, status="closed")
    uow.roster.add_unit(A, "loket", name="Loket A", serves_public=True)
    uow.roster.add_unit(A, "puskesmas", name="Puskesmas A", serves_public=True)
    uow.roster.add_unit(B, "loket", name="Loket B", serves_public=True)
    uow.roster.add_unit(B, "arsip", name="Arsip B", serves_public=False)
    uow.roster.add_unit(C, "loket", name="Loket C", serves_public=True)
    await answer(uow, A, "loket", "s1", GOOD)
    await answer(uow, A, "loket", "s2", FAIR)
    await answer(uow, A, "puskesmas", "s3", GOOD)
    await answer(uow, B, "loket", "s4", FAIR)
    return uow


def rows(report: dict) -> list[tuple]:
    return [(u["agency_id"], u["unit_id"], u["period_id"], u["answers"], u["ikm"], u["mutu"]) for u in report["units"]]


async def test_every_public_unit_of_every_agency_with_its_ikm_and_mutu(uow):
    report = await province.satisfaction(uow, 2026, 50, 0)
    assert rows(report) == [
        (A, "loket", f"{A}-2026", 2, 87.5, "B"),
        (A, "puskesmas", f"{A}-2026", 1, 100.0, "A"),
        (B, "loket", f"{B}-2026", 1, 75.0, "C"),
        (C, "loket", None, 0, None, None),
    ]
    first = report["units"][0]
    assert (first["name"], first["mutu_label"]) == ("Loket A", "Baik")
    assert first["element_means"] == {e.value: 3.5 for e in SkmElement}
    assert report["by_mutu"] == {"A": 1, "B": 1, "C": 1, "D": 0} and report["without_answers"] == 1
    assert report["next_offset"] is None


async def test_the_same_ikm_as_the_agency_hr_reads(uow):
    mine = await surveys.unit_report(uow, agency_id=A, unit_id="loket", period_id=f"{A}-2026")
    seen = (await province.satisfaction(uow, 2026, 50, 0))["units"][0]
    assert (seen["ikm"], seen["mutu"], seen["element_means"]) == (mine["ikm"], mine["mutu"], mine["element_means"])


async def test_pages_of_units(uow):
    first = await province.satisfaction(uow, 2026, 2, 0)
    assert [u["unit_id"] for u in first["units"]] == ["loket", "puskesmas"] and first["next_offset"] == 2
    second = await province.satisfaction(uow, 2026, 2, first["next_offset"])
    assert [(u["agency_id"], u["unit_id"]) for u in second["units"]] == [(B, "loket"), (C, "loket")]
    assert (await province.satisfaction(uow, 2026, 2, 4))["units"] == []


async def test_another_year_reads_that_years_periods(uow):
    report = await province.satisfaction(uow, 2025, 50, 0)
    assert rows(report) == [
        (A, "loket", None, 0, None, None),
        (A, "puskesmas", None, 0, None, None),
        (B, "loket", None, 0, None, None),
        (C, "loket", "c-2025", 0, None, None),
    ]
