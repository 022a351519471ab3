"""The unit's result, which is the hasil kerja of the unit's head.

PermenPANRB 6/2022 makes a head of unit's results those of the unit, but does not say how
the unit's result is measured. Product rule: the unit's capaian is the mean of its
members' utama capaian (each member's ``average_capaian_utama``, every member weighing
the same), banded with the same policy thresholds as anyone's hasil kerja. Members are
the employees of the unit and of every unit below it in the organisation tree, except
the head. No tambahan lift applies: the unit's extra work is already in its members'.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean

from kinerja_contracts.vocabulary import Ekspektasi

from .policy import AppraisalPolicy

__all__ = ["UnitResult", "unit_result", "units_under"]


@dataclass(frozen=True, slots=True)
class UnitResult:
    unit_ids: tuple[str, ...]
    # Member NIP -> that member's mean utama capaian; members without a result are absent.
    members: tuple[tuple[str, float], ...]
    capaian: float
    level: Ekspektasi


def units_under(parent_of: Mapping[str, str | None], roots: Iterable[str]) -> set[str]:
    """The roots and every unit below them; ``parent_of`` maps unit id -> parent unit id."""
    found = set(roots)
    grew = True
    while grew:  # a few passes at most: organisation trees are shallow
        below = {unit for unit, parent in parent_of.items() if parent in found} - found
        found |= below
        grew = bool(below)
    return found


def unit_result(
    unit_ids: Iterable[str], member_capaian: Mapping[str, float], policy: AppraisalPolicy
) -> UnitResult | None:
    """The unit's result, or None when no member has a result to measure it by."""
    if not member_capaian:
        return None
    capaian = round(fmean(member_capaian.values()), 2)
    return UnitResult(
        unit_ids=tuple(sorted(unit_ids)),
        members=tuple(sorted(member_capaian.items())),
        capaian=capaian,
        level=policy.hasil_level(capaian),
    )
