"""Keberatan (objection), PP 30/2019 art. 59: filed within 14 days of the result, decided by
the appraiser's superior, whose decision is final."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime.refusals import InvalidInput, WrongState

from .confirmation import FinalRatings
from .predikat import predikat_for

__all__ = [
    "OBJECTION_DAYS",
    "ObjectionClosed",
    "Outcome",
    "UnchangedResult",
    "check_objection_window",
    "objection_closes_on",
    "revised_ratings",
]

# The day the result became final is day 0; the last day an objection is taken is day 14.
OBJECTION_DAYS = 14


class ObjectionClosed(WrongState):
    """Filed after the objection period; the answer names the day it closed (``closed_on``)."""

    def __init__(self, closed_on: date):
        super().__init__(f"the objection period closed on {closed_on.isoformat()}", closed_on=closed_on.isoformat())
        self.closed_on = closed_on


class UnchangedResult(InvalidInput):
    """A decision to change the result that changes neither rating."""


class Outcome(StrEnum):
    UPHELD = "upheld"  # the result stands
    CHANGED = "changed"  # a revised result replaces it


def objection_closes_on(final_on: date) -> date:
    return final_on + timedelta(days=OBJECTION_DAYS)


def check_objection_window(final_on: date, today: date) -> None:
    closes_on = objection_closes_on(final_on)
    if today > closes_on:
        raise ObjectionClosed(closes_on)


def revised_ratings(
    current_hasil_kerja: Ekspektasi,
    current_perilaku: Ekspektasi,
    rating_hasil_kerja: Ekspektasi | None,
    rating_perilaku: Ekspektasi | None,
    reason: str,
) -> FinalRatings:
    """The result after a decision to change it; an omitted rating stays as it was."""
    hasil = Ekspektasi(rating_hasil_kerja or current_hasil_kerja)
    perilaku = Ekspektasi(rating_perilaku or current_perilaku)
    if (hasil, perilaku) == (Ekspektasi(current_hasil_kerja), Ekspektasi(current_perilaku)):
        raise UnchangedResult("a changed result must change at least one rating; otherwise uphold it")
    return FinalRatings(hasil, perilaku, predikat_for(hasil, perilaku), True, reason)
