"""Subscribers of training-service: roster (mentors, period years) and appraisal results."""

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, PerformancePeriodOpened
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from training_service.service_layer import plans, talent


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
    # After the roster has projected the period: annual results that arrived before it get
    # their year, and a talent-pool check.
    consumer.handle(PerformancePeriodOpened, talent.on_periods_opened)
    consumer.handle(AppraisalCompleted, plans.on_appraisals_completed)
    consumer.handle(AppraisalRevised, plans.on_appraisals_revised)
