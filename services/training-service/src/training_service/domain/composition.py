"""Composing the plan that is stored and announced: the decision's gap items, minus what
is already done, plus the JP top-up, each with a due date.

Due dates are a product rule: an item a low result makes mandatory is due within
``MANDATORY_WITHIN`` of the plan (close coaching cannot wait for the year's end);
recommended and entitlement items are due at the end of the plan's year, the year whose
20 JP they count toward.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .catalogue import CatalogueItem
from .entitlement import top_up
from .plan import PlanDecision, PlanItemDraft

__all__ = ["MANDATORY_WITHIN", "ComposedPlan", "compose_plan"]

MANDATORY_WITHIN = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class ComposedPlan:
    mandatory: bool
    items: tuple[PlanItemDraft, ...]
    carried_over: tuple[PlanItemDraft, ...]  # gap items already completed (under a superseded plan)

    @property
    def total_jp(self) -> int:
        return sum(i.jp for i in self.items)


def _due(item: PlanItemDraft, planned_on: date, year: int) -> date:
    if item.mandatory and item.gap_kind != "jp_entitlement":
        return planned_on + MANDATORY_WITHIN
    return date(year, 12, 31)


def compose_plan(
    decision: PlanDecision,
    catalogue: Sequence[CatalogueItem],
    *,
    planned_on: date,
    year: int,
    completed_jp: int = 0,
    completed_gaps: Collection[tuple[str, str]] = (),
    completed_codes: Collection[str] = (),
) -> ComposedPlan:
    """``completed_jp``: JP in the employee's ledger for ``year``; ``completed_gaps``: the
    (gap, catalogue_code) pairs a superseded plan already completed, not planned again;
    ``completed_codes``: courses done this year, not offered again by the top-up."""
    if not decision.makes_plan:
        return ComposedPlan(mandatory=False, items=(), carried_over=())
    done = set(completed_gaps)
    needed = [i for i in decision.items if (i.gap, i.catalogue_code) not in done]
    carried = tuple(i for i in decision.items if (i.gap, i.catalogue_code) in done)
    exclude = {i.catalogue_code for i in needed} | {code for _, code in done} | set(completed_codes)
    extra = top_up(sum(i.jp for i in needed), completed_jp, catalogue, exclude)
    items = tuple(replace(i, due_on=_due(i, planned_on, year)) for i in (*needed, *extra))
    return ComposedPlan(mandatory=decision.required, items=items, carried_over=carried)
