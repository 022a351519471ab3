"""Subscribers of training-service: roster (mentors, period years), appraisal results and
recognitions (the talent pool's evidence)."""

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, PerformancePeriodOpened, RecognitionGiven
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from training_service.service_layer import plans, recognition, talent


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
    # After the roster has projected the period: annual results that arrived before it get
    # their year, and a talent-pool check.
    consumer.handle(PerformancePeriodOpened, talent.on_periods_opened)
    consumer.handle(AppraisalCompleted, plans.on_appraisals_completed)
    consumer.handle(AppraisalRevised, plans.on_appraisals_revised)
    consumer.project(RecognitionGiven, recognition.on_recognitions_given)
