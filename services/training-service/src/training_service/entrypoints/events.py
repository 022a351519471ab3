"""Subscribers of training-service: roster (for mentors) and appraisal results."""

from kinerja_contracts import AppraisalCompleted
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from training_service.service_layer.plans import on_appraisal_completed


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
    consumer.subscribe("kinerja.appraisals", {AppraisalCompleted: on_appraisal_completed})
