"""Talent (succession) pool: two consecutive years of Sangat Baik give priority
(PP 30/2019; PP 11/2017 as amended). Only annual appraisals count; a revised result
replaces the original for its year.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts.vocabulary import Predikat

__all__ = ["AnnualResult", "Nomination", "nominations_after", "version", "withdrawn_after"]


def version(revision: int, at: datetime) -> tuple[int, datetime]:
    """The order results of one period apply in: revision number, then when it was made."""
    return revision, at


@dataclass(frozen=True, slots=True)
class AnnualResult:
    year: int
    predikat: Predikat
    appraisal_id: str


@dataclass(frozen=True, slots=True)
class Nomination:
    years: tuple[int, int]
    appraisal_ids: tuple[str, str]


def nominations_after(history: Mapping[int, AnnualResult], year: int) -> list[Nomination]:
    """Nominations that the result of ``year`` completes: with the year before, and (when
    results arrive out of order) with the year after. Keyed by the pair's later year."""
    found = []
    for first, second in ((year - 1, year), (year, year + 1)):
        earlier, later = history.get(first), history.get(second)
        if (
            earlier is not None
            and later is not None
            and earlier.predikat is Predikat.SANGAT_BAIK
            and later.predikat is Predikat.SANGAT_BAIK
        ):
            found.append(Nomination((first, second), (earlier.appraisal_id, later.appraisal_id)))
    return found


def withdrawn_after(history: Mapping[int, AnnualResult], year: int, nominated: Collection[int]) -> list[int]:
    """Nominations (by their later year, among ``nominated``) that the result of ``year`` no
    longer supports: a revision lowered it below Sangat Baik."""

    def held(later: int) -> bool:
        return all((r := history.get(y)) is not None and r.predikat is Predikat.SANGAT_BAIK for y in (later - 1, later))

    return [later for later in (year, year + 1) if later in nominated and not held(later)]
