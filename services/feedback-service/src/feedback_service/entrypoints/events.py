"""Subscribers of feedback-service: a roster projection to check requests, and the period's
close, which closes the rounds still open."""

from kinerja_contracts import PerformancePeriodClosed, PerformancePeriodClosedV1
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster

from feedback_service.service_layer import rounds


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
    consumer.handle(PerformancePeriodClosed, rounds.on_periods_closed)
    consumer.handle(PerformancePeriodClosedV1, rounds.on_periods_closed)
