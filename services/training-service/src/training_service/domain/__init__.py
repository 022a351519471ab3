"""Training domain: the development catalogue and development-plan decisions."""

from .catalogue import (
    GENERAL_COMPETENCY,
    METHODS_BY_FORM,
    SEEDED_CATALOGUE,
    CatalogueItem,
    competency_for_aspect,
    competency_for_value,
    known_competencies,
)
from .plan import (
    AppraisalOutcome,
    CatalogueGap,
    GapKind,
    MissedIndikator,
    PlanDecision,
    PlanItemDraft,
    decide_plan,
)

__all__ = [
    "AppraisalOutcome",
    "CatalogueGap",
    "CatalogueItem",
    "GENERAL_COMPETENCY",
    "GapKind",
    "METHODS_BY_FORM",
    "MissedIndikator",
    "PlanDecision",
    "PlanItemDraft",
    "SEEDED_CATALOGUE",
    "competency_for_aspect",
    "competency_for_value",
    "decide_plan",
    "known_competencies",
]
