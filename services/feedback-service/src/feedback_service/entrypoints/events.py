"""Subscribers of feedback-service: it keeps a roster projection to check requests."""

from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.roster import subscribe_roster


def subscribe(consumer: EventConsumer) -> None:
    subscribe_roster(consumer)
