"""Subscribers of training-service: roster (mentors, period years) and appraisal results."""

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, PerformancePeriodOpened
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from training_service.service_layer import talent
from training_service.service_layer.plans import on_appraisal_completed, on_appraisal_revised


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
    # Replaces the roster's own handler: it projects the period, then gives annual results
    # that arrived before their period a year (and a talent-pool check).
    consumer.subscribe("kinerja.periods", {PerformancePeriodOpened: talent.on_period_opened})
    consumer.subscribe("kinerja.appraisals", {
        AppraisalCompleted: on_appraisal_completed,
        AppraisalRevised: on_appraisal_revised,
    })
