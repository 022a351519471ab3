from decimal import Decimal

import pytest
from feedback_service.domain.satisfaction import InvalidAnswer, check_answer, half_up, mutu_for, unit_satisfaction
from kinerja_contracts.vocabulary import Mutu, SkmElement


def totals_for(grand_total: int, answers: int) -> dict[SkmElement, int]:
    """Spread ``grand_total`` over the nine elements as real answers could (each 1-4 per answer)."""
    per, extra = divmod(grand_total, len(SkmElement))
    totals = {e: per + (1 if i < extra else 0) for i, e in enumerate(SkmElement)}
    assert all(answers <= t <= 4 * answers for t in totals.values())
    return totals


@pytest.mark.parametrize(
    ("ikm", "mutu"),
    [
        ("100.00", Mutu.A),
        ("88.31", Mutu.A),
        ("88.30", Mutu.B),
        ("76.61", Mutu.B),
        ("76.60", Mutu.C),
        ("65.00", Mutu.C),
        ("64.99", Mutu.D),
        ("25.00", Mutu.D),
    ],
)
def test_mutu_bands_of_permenpanrb_14_2017_at_their_edges(ikm, mutu):
    assert mutu_for(Decimal(ikm)) is mutu


@pytest.mark.parametrize(
    ("grand_total", "answers", "ikm", "mutu"),
    [
        # answers x 9 scores; IKM = 25 x grand_total / (9 x answers), two decimals, half-up
        (763, 24, "88.31", Mutu.A),  # exactly 88.3101...
        (604, 19, "88.30", Mutu.B),  # 88.3040...
        (524, 19, "76.61", Mutu.B),  # 76.6081...
        (717, 26, "76.60", Mutu.C),  # 76.6025...
        (117, 5, "65.00", Mutu.C),  # exactly 65
        (889, 38, "64.99", Mutu.D),  # 64.9853...
    ],
)
def test_ikm_is_mean_of_element_means_times_25_then_banded(grand_total, answers, ikm, mutu):
    found = unit_satisfaction(totals_for(grand_total, answers), answers)
    assert found.ikm == Decimal(ikm)
    assert found.mutu is mutu
    assert found.answers == answers


def test_band_follows_the_rounded_ikm_not_the_exact_one():
    # 25 x 3179 / 900 = 88.30555...: rounds to 88.31, so grade A although the exact value is below it.
    found = unit_satisfaction(totals_for(3179, 100), 100)
    assert (found.ikm, found.mutu) == (Decimal("88.31"), Mutu.A)


def test_half_up_is_exact_on_a_rounding_edge():
    assert half_up(88305, 1000) == Decimal("88.31")
    assert half_up(883049, 10000) == Decimal("88.30")
    assert half_up(130, 2) == Decimal("65.00")


def test_element_means_are_per_element():
    totals = {e: 4 for e in SkmElement} | {SkmElement.BIAYA_TARIF: 1}
    found = unit_satisfaction(totals, 1)
    assert found.element_means[SkmElement.BIAYA_TARIF] == Decimal("1.00")
    assert found.element_means[SkmElement.PERSYARATAN] == Decimal("4.00")
    assert found.ikm == Decimal("91.67")  # (8 x 4 + 1) / 9 x 25


def test_all_ones_and_all_fours_are_the_ends_of_the_scale():
    assert unit_satisfaction({e: 3 for e in SkmElement}, 3).ikm == Decimal("25.00")
    assert unit_satisfaction({e: 12 for e in SkmElement}, 3).ikm == Decimal("100.00")


def test_an_ikm_needs_an_answer():
    with pytest.raises(ValueError):
        unit_satisfaction({e: 0 for e in SkmElement}, 0)


def test_answer_must_score_all_nine_elements_1_to_4():
    check_answer({e: 3 for e in SkmElement})
    with pytest.raises(InvalidAnswer, match="missing"):
        check_answer({e: 3 for e in list(SkmElement)[:8]})
    with pytest.raises(InvalidAnswer, match="1 to 4"):
        check_answer({e: 3 for e in SkmElement} | {SkmElement.PROSEDUR: 5})
    with pytest.raises(InvalidAnswer, match="1 to 4"):
        check_answer({e: 3 for e in SkmElement} | {SkmElement.PROSEDUR: 0})
