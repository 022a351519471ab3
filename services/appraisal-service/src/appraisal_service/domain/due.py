"""The queue of appraisals due once an employee's period closes (service_layer/due.py works
through it): one row per employee, with what target-service had at close time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .inputs import Key

__all__ = ["DueAppraisal", "DueStatus"]


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
