"""Training domain: the development catalogue, plan decisions and composition, the JP
entitlement, plan progress and the talent pool."""

from .catalogue import (
    GENERAL_COMPETENCY,
    METHODS_BY_FORM,
    SEEDED_CATALOGUE,
    TECHNICAL_PREFIX,
    CatalogueItem,
    competency_for_aspect,
    competency_for_value,
    is_known_competency,
    is_technical,
    known_competencies,
)
from .catalogue_import import CATALOGUE_COLUMNS, CatalogueCsvError, ImportedRow, RowError, read_catalogue_csv
from .claims import EntryStatus, may_review, status_when_recorded
from .completion import completion_date_problem, earliest_in_plan, earliest_outside_plan
from .composition import MANDATORY_WITHIN, ComposedPlan, compose_plan
from .entitlement import JP_ENTITLEMENT, jp_short_of_entitlement, top_up
from .plan import (
    AppraisalOutcome,
    CatalogueGap,
    GapKind,
    MissedIndikator,
    PlanDecision,
    PlanItemDraft,
    decide_plan,
)
from .progress import ItemProgress, is_overdue, plan_completed
from .talent import AnnualResult, Nomination, nominations_after, version, withdrawn_after

__all__ = [
    "AnnualResult",
    "CATALOGUE_COLUMNS",
    "AppraisalOutcome",
    "CatalogueCsvError",
    "CatalogueGap",
    "CatalogueItem",
    "ComposedPlan",
    "EntryStatus",
    "GENERAL_COMPETENCY",
    "GapKind",
    "ImportedRow",
    "ItemProgress",
    "JP_ENTITLEMENT",
    "MANDATORY_WITHIN",
    "METHODS_BY_FORM",
    "MissedIndikator",
    "Nomination",
    "PlanDecision",
    "PlanItemDraft",
    "RowError",
    "SEEDED_CATALOGUE",
    "TECHNICAL_PREFIX",
    "competency_for_aspect",
    "competency_for_value",
    "completion_date_problem",
    "compose_plan",
    "decide_plan",
    "earliest_in_plan",
    "earliest_outside_plan",
    "is_known_competency",
    "is_overdue",
    "is_technical",
    "jp_short_of_entitlement",
    "known_competencies",
    "may_review",
    "nominations_after",
    "plan_completed",
    "read_catalogue_csv",
    "status_when_recorded",
    "top_up",
    "version",
    "withdrawn_after",
]
