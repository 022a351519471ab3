"""Calibration against the organisation's own result (SE MenPANRB 3/2023).

The agency's (or unit's) own predikat allows a distribution of its employees' predikat.
This module only *checks* a distribution and names every bound it breaks; changing an
employee's result stays the appraisers' decision (nothing is moved automatically).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from kinerja_contracts.vocabulary import Predikat

__all__ = ["CURVE", "Bound", "BoundCheck", "CalibrationReport", "OrganisationPredikat", "check_distribution"]


class OrganisationPredikat(StrEnum):
    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"  # also called "cukup"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"

    @classmethod
    def _missing_(cls, value):
        return cls.BUTUH_PERBAIKAN if value == "cukup" else None


@dataclass(frozen=True, slots=True)
class Bound:
    """A share (``percent``) or a number (``count``) of employees whose predikat is one of
    ``predikat`` that the distribution must stay under (at_most) or reach (at_least)."""

    predikat: frozenset[Predikat]
    limit: Literal["at_most", "at_least"]
    percent: int | None = None
    count: int | None = None

    @property
    def name(self) -> str:
        which = "_or_".join(p.value for p in Predikat if p in self.predikat)
        amount = f"{self.percent}_percent" if self.percent is not None else f"{self.count}"
        return f"{which}_{self.limit}_{amount}"

    def allowed_count(self, total: int) -> int:
        """The bound as a number of employees: rounded so that the count itself obeys it."""
        if self.count is not None:
            return self.count
        assert self.percent is not None  # a bound is a count or a percentage
        if self.limit == "at_most":
            return self.percent * total // 100
        return -(-self.percent * total // 100)

    def holds(self, actual: int, total: int) -> bool:
        # Whole-number arithmetic: 7 of 10 is exactly 70 %, never 70.0000001 %.
        if self.count is not None:
            return actual <= self.count if self.limit == "at_most" else actual >= self.count
        assert self.percent is not None
        if self.limit == "at_most":
            return actual * 100 <= self.percent * total
        return actual * 100 >= self.percent * total


_SB, _B = Predikat.SANGAT_BAIK, Predikat.BAIK
_BP, _K, _SK = Predikat.BUTUH_PERBAIKAN, Predikat.KURANG_MISCONDUCT, Predikat.SANGAT_KURANG


def _bound(limit, *predikat, percent=None, count=None) -> Bound:
    return Bound(frozenset(predikat), limit, percent, count)


# The SE 3/2023 table, one row per organisation predikat. "Must include some" is read as
# "at least one employee"; "Kurang" is Kurang/Misconduct (Sangat Kurang is its own row).
CURVE: dict[OrganisationPredikat, tuple[Bound, ...]] = {
    OrganisationPredikat.ISTIMEWA: (_bound("at_most", _SB, percent=70),),
    OrganisationPredikat.BAIK: (
        _bound("at_most", _B, percent=70),
        _bound("at_least", _BP, _K, count=1),
    ),
    OrganisationPredikat.BUTUH_PERBAIKAN: (
        _bound("at_least", _BP, percent=60),
        _bound("at_most", _SB, percent=10),
    ),
    OrganisationPredikat.KURANG: (
        _bound("at_least", _K, percent=60),
        _bound("at_least", _BP, percent=10),
        _bound("at_most", _SB, percent=10),
    ),
    OrganisationPredikat.SANGAT_KURANG: (
        _bound("at_least", _SK, percent=60),
        _bound("at_least", _K, _BP, percent=10),
        _bound("at_most", _SB, percent=0),
    ),
}


@dataclass(frozen=True, slots=True)
class BoundCheck:
    bound: Bound
    allowed_count: int
    actual_count: int
    actual_percent: float
    ok: bool


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    organisation_predikat: OrganisationPredikat
    counts: dict[Predikat, int]
    total: int
    bounds: tuple[BoundCheck, ...]

    @property
    def violations(self) -> tuple[BoundCheck, ...]:
        return tuple(b for b in self.bounds if not b.ok)


def check_distribution(organisation_predikat: OrganisationPredikat, predikat: Iterable[Predikat]) -> CalibrationReport:
    organisation_predikat = OrganisationPredikat(organisation_predikat)
    tally = Counter(Predikat(p) for p in predikat)
    counts = {p: tally.get(p, 0) for p in Predikat}
    total = sum(counts.values())
    checks = []
    for bound in CURVE[organisation_predikat]:
        actual = sum(counts[p] for p in bound.predikat)
        checks.append(
            BoundCheck(
                bound=bound,
                allowed_count=bound.allowed_count(total),
                actual_count=actual,
                actual_percent=round(actual * 100 / total, 2) if total else 0.0,
                ok=bound.holds(actual, total),
            )
        )
    return CalibrationReport(organisation_predikat, counts, total, tuple(checks))
