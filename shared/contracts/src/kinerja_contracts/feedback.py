"""Events produced by the feedback service."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field, field_validator

from .base import AgencyId, Event, Identifier, Nip, PeriodId
from .vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource


class FeedbackReceived(Event):
    """A 360° BerAKHLAK feedback form about an employee was submitted.

    The giver's identity is deliberately absent: only the source kind travels.
    """

    event_type: ClassVar[str] = "kinerja.feedback.FeedbackReceived.v1"
    topic: ClassVar[str] = "kinerja.feedback"

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee the feedback is about (record key).")
    feedback_id: Identifier = Field(description="The feedback form's id.")
    source: FeedbackSource = Field(description="Who gave the feedback (kind only, anonymous).")
    ratings: dict[BerakhlakValue, Ekspektasi] = Field(
        min_length=len(BerakhlakValue),
        description="The level given for each of the seven BerAKHLAK values (all seven present).",
    )
    submitted_at: AwareDatetime = Field(description="When the feedback was submitted.")

    @field_validator("ratings")
    @classmethod
    def _all_values_rated(
        cls, ratings: dict[BerakhlakValue, Ekspektasi]
    ) -> dict[BerakhlakValue, Ekspektasi]:
        missing = [v.value for v in BerakhlakValue if v not in ratings]
        if missing:
            raise ValueError(f"ratings must cover all seven BerAKHLAK values; missing {missing}")
        return ratings
