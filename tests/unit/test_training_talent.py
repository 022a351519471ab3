"""Two consecutive annual Sangat Baik nominate for the talent pool; one year does not."""

from kinerja_contracts.vocabulary import Predikat
from training_service.domain import AnnualResult, nominations_after

SB, B = Predikat.SANGAT_BAIK, Predikat.BAIK


def history(**by_year):
    return {int(y[1:]): AnnualResult(int(y[1:]), p, f"a-{y}") for y, p in by_year.items()}


def test_one_year_of_sangat_baik_is_not_enough():
    assert nominations_after(history(y2025=SB), 2025) == []


def test_two_consecutive_years_nominate():
    (nomination,) = nominations_after(history(y2024=SB, y2025=SB), 2025)
    assert nomination.years == (2024, 2025)
    assert nomination.appraisal_ids == ("a-y2024", "a-y2025")


def test_years_with_a_gap_are_not_consecutive():
    assert nominations_after(history(y2023=SB, y2025=SB), 2025) == []


def test_a_baik_year_between_breaks_the_run():
    assert nominations_after(history(y2024=B, y2025=SB), 2025) == []


def test_an_earlier_year_arriving_late_still_nominates():
    (nomination,) = nominations_after(history(y2024=SB, y2025=SB), 2024)
    assert nomination.years == (2024, 2025)


def test_a_revision_lowering_either_year_withdraws_the_standing_nomination():
    from training_service.domain import withdrawn_after

    assert withdrawn_after(history(y2024=SB, y2025=B), 2025, {2025}) == [2025], "the later year lowered"
    assert withdrawn_after(history(y2024=B, y2025=SB), 2024, {2025}) == [2025], "the earlier year lowered"
    assert withdrawn_after(history(y2024=SB, y2025=SB), 2025, {2025}) == [], "still two Sangat Baik years"
    assert withdrawn_after(history(y2024=SB, y2025=B), 2025, set()) == [], "nothing nominated, nothing withdrawn"
    assert withdrawn_after(history(y2023=SB, y2024=B, y2025=SB), 2024, {2024, 2025}) == [2024, 2025]
