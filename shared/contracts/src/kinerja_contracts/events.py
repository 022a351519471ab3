"""All event models in one place (they are defined per producing service)."""

from .appraisal import AppraisalCompleted, AppraisalSummary, IndikatorResult, PerilakuResult
from .feedback import FeedbackReceived
from .target import (
    ClosedPeriodEmployee,
    EmployeeRegistered,
    Iki,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    Rhk,
    TargetSet,
)
from .training import DevelopmentPlanCreated, PlanItem

ALL_EVENTS = (
    EmployeeRegistered,
    PerformancePeriodOpened,
    PerformancePeriodClosed,
    TargetSet,
    RealizationRecorded,
    FeedbackReceived,
    AppraisalCompleted,
    DevelopmentPlanCreated,
)

__all__ = [
    "ALL_EVENTS",
    "AppraisalCompleted",
    "AppraisalSummary",
    "ClosedPeriodEmployee",
    "DevelopmentPlanCreated",
    "EmployeeRegistered",
    "FeedbackReceived",
    "Iki",
    "IndikatorResult",
    "PerformancePeriodClosed",
    "PerformancePeriodOpened",
    "PerilakuResult",
    "PlanItem",
    "RealizationRecorded",
    "Rhk",
    "TargetSet",
]
