"""Citizen satisfaction index (IKM) and its service quality grade (mutu), PermenPANRB 14/2017.

IKM = mean of the nine element means x 25. The regulation's worksheet weights each element
1/9 (it prints 0.111); we use the exact 1/9, which is what the mean of means is.

Rounding at the band edges: the IKM is computed exactly from the score totals, rounded half-up
to two decimals, and only then banded. The bands (A 88.31-100, B 76.61-88.30, C 65.00-76.60,
D 25.00-64.99) are written in two decimals, so banding the rounded value leaves no gaps:
an exact 88.305 is 88.31 and grade A; 88.3049... is 88.30 and grade B.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kinerja_contracts.vocabulary import Mutu, SkmElement
from kinerja_runtime.refusals import InvalidInput

SCORES = range(1, 5)
BANDS = ((Decimal("88.31"), Mutu.A), (Decimal("76.61"), Mutu.B), (Decimal("65.00"), Mutu.C))


class InvalidAnswer(InvalidInput):
    """A survey answer that does not score each of the nine elements 1 to 4."""


def check_answer(elements: Mapping[SkmElement, int]) -> None:
    missing = [e.value for e in SkmElement if e not in elements]
    if missing:
        raise InvalidAnswer(f"every SKM element needs a score; missing: {', '.join(missing)}")
    if any(score not in SCORES for score in elements.values()):
        raise InvalidAnswer("every SKM element is scored 1 to 4")


def half_up(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded half-up to two decimals, in exact integer arithmetic
    (floats would misplace values such as 88.305 that sit exactly on a rounding edge)."""
    hundredths = (200 * numerator + denominator) // (2 * denominator)
    return Decimal(hundredths).scaleb(-2)


def mutu_for(ikm: Decimal) -> Mutu:
    for lowest, mutu in BANDS:
        if ikm >= lowest:
            return mutu
    return Mutu.D


@dataclass(frozen=True)
class UnitSatisfaction:
    answers: int
    element_means: dict[SkmElement, Decimal]
    ikm: Decimal
    mutu: Mutu


def unit_satisfaction(totals: Mapping[SkmElement, int], answers: int) -> UnitSatisfaction:
    """From the per-element score totals of ``answers`` answers. The IKM comes from the exact
    totals, never from the rounded element means, so rounding is applied once."""
    if answers < 1:
        raise ValueError("an IKM needs at least one answer")
    grand_total = sum(totals[e] for e in SkmElement)
    ikm = half_up(25 * grand_total, len(SkmElement) * answers)
    means = {e: half_up(totals[e], answers) for e in SkmElement}
    return UnitSatisfaction(answers=answers, element_means=means, ikm=ikm, mutu=mutu_for(ikm))
