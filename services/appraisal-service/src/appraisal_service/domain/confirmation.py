"""The appraiser's decision on a proposal: confirm it, or override with a written reason."""

from __future__ import annotations

from dataclasses import dataclass

from kinerja_contracts.vocabulary import Ekspektasi, Predikat
from kinerja_runtime.refusals import InvalidInput

from .predikat import predikat_for

__all__ = ["FinalRatings", "OverrideWithoutReason", "decide_final"]


class OverrideWithoutReason(InvalidInput):
    """A final rating differs from the proposal but no written reason was given."""


@dataclass(frozen=True, slots=True)
class FinalRatings:
    rating_hasil_kerja: Ekspektasi
    rating_perilaku: Ekspektasi
    predikat: Predikat
    overridden: bool
    reason: str | None


def decide_final(
    proposed_hasil_kerja: Ekspektasi,
    proposed_perilaku: Ekspektasi,
    rating_hasil_kerja: Ekspektasi | None = None,
    rating_perilaku: Ekspektasi | None = None,
    reason: str | None = None,
) -> FinalRatings:
    """An omitted rating accepts the proposal. A rating that differs from the proposal is an
    override and needs a reason, because the regulation leaves the rating to the appraiser
    but the product must keep why the appraiser departed from the data."""
    hasil = Ekspektasi(rating_hasil_kerja or proposed_hasil_kerja)
    perilaku = Ekspektasi(rating_perilaku or proposed_perilaku)
    overridden = (hasil, perilaku) != (Ekspektasi(proposed_hasil_kerja), Ekspektasi(proposed_perilaku))
    reason = (reason or "").strip() or None
    if overridden and reason is None:
        raise OverrideWithoutReason("a rating that differs from the proposal needs a written reason")
    return FinalRatings(hasil, perilaku, predikat_for(hasil, perilaku), overridden, reason)
