"""The queue of appraisals due once an employee's period closes (service_layer/due.py works
through it): one row per employee, with what target-service had at close time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .inputs import Key

__all__ = ["DueAppraisal", "DueStatus", "due_after_close"]


class DueStatus(StrEnum):
    PENDING = "pending"  # waiting for its time (or for inputs still in flight)
    DONE = "done"  # proposed
    SKIPPED = "skipped"  # no approved SKP at close: nothing to propose
    FAILED = "failed"  # could not be proposed; the note says why


@dataclass(frozen=True, slots=True)
class DueAppraisal:
    agency_id: str
    period_id: str
    nip: str
    skp_id: str | None
    skp_version: int | None
    realization_count: int
    due_at: datetime
    status: DueStatus
    note: str | None = None
    # When the close queued it: how long it has waited for its inputs (due_at moves on each wait).
    queued_at: datetime | None = None
    # The trace of the close that queued it, as kinerja_runtime.telemetry stores one (None untraced).
    trace: dict[str, str] | None = None

    @property
    def key(self) -> Key:
        return (self.agency_id, self.period_id, self.nip)


def due_after_close(
    closed_at: datetime, received_at: datetime, settle: timedelta, sent_at: datetime | None = None
) -> datetime:
    """When the appraisal a close queues is due: ``settle`` after the close itself.

    The settle time is for feedback and citizen answers given before the close and still in
    flight on their own topics (ADR 0002). Their way here runs beside the close's own, so it is
    counted from the close: the time the close took to arrive is part of it, not added to it.
    A close whose delivery took longer than that, from when it was sent (``sent_at``, its
    CloudEvents time; the close's own time when not known), means a consumer catching up whose
    other topics may be as far behind, and a close stamped ahead of this service's clock is not
    to be trusted (nor one sent before it was made or after it arrived, by these clocks): all
    wait the whole ``settle`` from their arrival, as before. A close whose
    own transaction took long (an agency of thousands closes in seconds) is not late for that:
    the answers kept flowing meanwhile."""
    sent_at = sent_at or closed_at
    if closed_at <= sent_at <= received_at and received_at - sent_at < settle:
        return closed_at + settle
    return received_at + settle
