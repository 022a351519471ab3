"""Kinerja's public event contract.

Event models (pydantic, frozen), the topic catalogue, CloudEvents 1.0 Kafka binary-mode
headers, JSON Schemas and a backward-compatibility checker.
"""

from .base import NIP_PATTERN, Event, Value
from .catalogue import (
    ALL_TOPICS,
    DEAD_LETTER,
    EVENT_TYPES,
    TOPICS,
    Topic,
    UnknownEventType,
    model_for,
    topic_of,
)
from .cloudevents import CloudEventAttributes, InvalidCloudEvent, decode, encode
from .compatibility import breaking_changes
from .events import (
    ALL_EVENTS,
    AppraisalCompleted,
    AppraisalSummary,
    ClosedPeriodEmployee,
    DevelopmentPlanCreated,
    EmployeeRegistered,
    FeedbackReceived,
    Iki,
    IndikatorResult,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    PerilakuResult,
    PlanItem,
    RealizationRecorded,
    Rhk,
    TargetSet,
)
from .vocabulary import (
    LOW_PREDIKAT,
    Aspect,
    BerakhlakValue,
    DevelopmentForm,
    Ekspektasi,
    FeedbackSource,
    Predikat,
    RhkKind,
)

__all__ = [
    "ALL_EVENTS",
    "ALL_TOPICS",
    "DEAD_LETTER",
    "EVENT_TYPES",
    "LOW_PREDIKAT",
    "NIP_PATTERN",
    "TOPICS",
    "AppraisalCompleted",
    "AppraisalSummary",
    "Aspect",
    "BerakhlakValue",
    "ClosedPeriodEmployee",
    "CloudEventAttributes",
    "DevelopmentForm",
    "DevelopmentPlanCreated",
    "Ekspektasi",
    "EmployeeRegistered",
    "Event",
    "FeedbackReceived",
    "FeedbackSource",
    "Iki",
    "IndikatorResult",
    "InvalidCloudEvent",
    "PerformancePeriodClosed",
    "PerformancePeriodOpened",
    "PerilakuResult",
    "PlanItem",
    "Predikat",
    "RealizationRecorded",
    "Rhk",
    "RhkKind",
    "TargetSet",
    "Topic",
    "UnknownEventType",
    "Value",
    "breaking_changes",
    "decode",
    "encode",
    "model_for",
    "topic_of",
]
