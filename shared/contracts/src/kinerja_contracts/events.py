"""All event models in one place (they are defined per producing service)."""

from .appraisal import AppraisalCompleted, AppraisalRevised, AppraisalSummary, IndikatorResult, PerilakuResult
from .feedback import CitizenSurveyAnswered, FeedbackReceived, UnitSatisfactionChanged
from .target import (
    Checkpoint,
    ClosedPeriodEmployee,
    EmployeeRegistered,
    EmployeeTransferred,
    Iki,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    Rhk,
    TargetRevised,
    TargetSet,
    WorkUnitDefined,
)
from .training import (
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    PlanItem,
    TalentPoolNominated,
    TrainingCompleted,
)

ALL_EVENTS = (
    EmployeeRegistered,
    PerformancePeriodOpened,
    PerformancePeriodClosed,
    TargetSet,
    RealizationRecorded,
    FeedbackReceived,
    AppraisalCompleted,
    DevelopmentPlanCreated,
    EmployeeTransferred,
    WorkUnitDefined,
    TargetRevised,
    CitizenSurveyAnswered,
    UnitSatisfactionChanged,
    AppraisalRevised,
    DevelopmentPlanRevised,
    TrainingCompleted,
    TalentPoolNominated,
)

__all__ = [
    "TalentPoolNominated",
    "TrainingCompleted",
    "DevelopmentPlanRevised",
    "AppraisalRevised",
    "WorkUnitDefined",
    "UnitSatisfactionChanged",
    "TargetRevised",
    "EmployeeTransferred",
    "CitizenSurveyAnswered",
    "Checkpoint",
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
