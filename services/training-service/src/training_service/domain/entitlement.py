"""The yearly 20 JP entitlement (PP 11/2017 as amended by PP 17/2020, art. 203).

Every civil servant is entitled to at least 20 JP of competency development a year. A
plan tops the employee up: hours already completed this year and hours already planned
count, and the rest is filled from the technical (``teknis:``) items of the catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .catalogue import CatalogueItem, is_technical
from .plan import PlanItemDraft, draft_from

__all__ = ["JP_ENTITLEMENT", "jp_short_of_entitlement", "top_up"]

JP_ENTITLEMENT = 20


def jp_short_of_entitlement(planned_jp: int, completed_jp: int) -> int:
    return max(0, JP_ENTITLEMENT - planned_jp - completed_jp)


def top_up(
    planned_jp: int,
    completed_jp: int,
    catalogue: Sequence[CatalogueItem],
    exclude_codes: Collection[str] = (),
    mandatory: bool = False,
) -> tuple[PlanItemDraft, ...]:
    """Items (gap_kind ``jp_entitlement``) until planned + completed JP reach the entitlement.

    Each step takes the shortest item that closes what is left, or else the longest one,
    so the employee gets few items and little overshoot; ties break on the code so the
    same input always yields the same plan. Courses already planned or done this year
    (``exclude_codes``) are not offered twice. A catalogue too small to reach 20 JP gives
    what it has: the JP report shows the shortfall.
    """
    short = jp_short_of_entitlement(planned_jp, completed_jp)
    if short <= 0:
        return ()
    excluded = set(exclude_codes)
    candidates = sorted(
        (i for i in catalogue if is_technical(i.competency) and i.code not in excluded),
        key=lambda i: (i.jp, i.code),
    )
    chosen: list[PlanItemDraft] = []
    while short > 0 and candidates:
        closing = [i for i in candidates if i.jp >= short]
        item = closing[0] if closing else min(candidates, key=lambda i: (-i.jp, i.code))
        candidates.remove(item)
        chosen.append(draft_from(item, "jp_entitlement", item.competency, mandatory))
        short -= item.jp
    return tuple(chosen)
