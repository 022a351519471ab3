"""Subscribers of appraisal-service: roster, targets, realisations, feedback and period close."""

from kinerja_contracts import CitizenSurveyAnswered, FeedbackReceived, RealizationRecorded, TargetRevised, TargetSet
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from appraisal_service.service_layer import projection


def subscriber(settle_seconds: float):
    def subscribe(consumer: EventConsumer) -> None:
        subscribe_roster(consumer, period_closed=projection.period_closed_handler(settle_seconds))
        consumer.subscribe("kinerja.targets", {
            TargetSet: projection.on_target_set,
            TargetRevised: projection.on_target_set,
            RealizationRecorded: projection.on_realization_recorded,
        })
        consumer.subscribe("kinerja.feedback", {FeedbackReceived: projection.on_feedback_received})
        consumer.subscribe("kinerja.citizen-satisfaction", {CitizenSurveyAnswered: projection.on_citizen_survey_answered})

    return subscribe
