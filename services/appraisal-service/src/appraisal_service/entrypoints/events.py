"""What appraisal-service consumes: the roster, its projections of targets, realisations,
feedback and citizens' ratings, and the closes that queue appraisals (a projection and the
service's own reaction are separate handlers)."""

import asyncio

from kinerja_contracts import (
    CitizenSurveyAnswered,
    EmployeePeriodClosed,
    FeedbackReceived,
    PerformancePeriodClosedV1,
    RealizationRecorded,
    TargetRevised,
    TargetSet,
)
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from appraisal_service.service_layer import due, projection


def subscriber(settle_seconds: float, queued: asyncio.Event):
    """``queued`` is set after each commit that queued due appraisals."""

    def subscribe(consumer: EventConsumer) -> None:
        subscribe_roster(consumer)
        consumer.project(TargetSet, projection.on_targets)
        consumer.project(TargetRevised, projection.on_targets)
        consumer.project(RealizationRecorded, projection.on_realizations)
        consumer.project(FeedbackReceived, projection.on_feedback)
        consumer.project(CitizenSurveyAnswered, projection.on_citizen_surveys)
        consumer.handle(EmployeePeriodClosed, due.on_employees_closed(queued, settle_seconds))
        # Until target-service publishes per-employee closes (and for replays of older topics).
        consumer.handle(PerformancePeriodClosedV1, due.on_periods_closed_v1(queued, settle_seconds))

    return subscribe
