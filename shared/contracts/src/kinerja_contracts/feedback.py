"""Events produced by the feedback service."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field, field_validator

from .base import AgencyId, Event, Identifier, Nip, PeriodId
from .limits import RECOGNITION_REASON_MAX
from .vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource, Mutu, RecognitionKind, SkmElement

RecognitionReason = Annotated[str, Field(min_length=1, max_length=RECOGNITION_REASON_MAX)]
"""Why an employee is recognised, as the person recognising them wrote it."""


class FeedbackReceived(Event):
    """A 360° BerAKHLAK feedback form about an employee was submitted (published when its round
    closes, or its period does: the giver's final answer, once).

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
        max_length=len(BerakhlakValue),
        description="The level given for each of the seven BerAKHLAK values (all seven present).",
    )
    submitted_at: AwareDatetime = Field(description="When the feedback was submitted.")
    round_id: Identifier | None = Field(default=None, description="The feedback round the answer belongs to.")
    checkpoint_id: Identifier | None = Field(
        default=None, description="The periodic checkpoint the round evaluates, if any."
    )

    @field_validator("ratings")
    @classmethod
    def _all_values_rated(cls, ratings: dict[BerakhlakValue, Ekspektasi]) -> dict[BerakhlakValue, Ekspektasi]:
        missing = [v.value for v in BerakhlakValue if v not in ratings]
        if missing:
            raise ValueError(f"ratings must cover all seven BerAKHLAK values; missing {missing}")
        return ratings


class CitizenSurveyAnswered(Event):
    """A citizen answered the satisfaction survey (SKM) of a public-service unit.

    Nothing identifies the citizen. ``officer_nip`` names the officer who served them, when
    the citizen chose to, and then counts toward that officer's Berorientasi Pelayanan.
    """

    event_type: ClassVar[str] = "kinerja.feedback.CitizenSurveyAnswered.v1"
    topic: ClassVar[str] = "kinerja.citizen-satisfaction"
    key_field: ClassVar[str] = "unit_id"

    agency_id: AgencyId
    unit_id: Identifier = Field(description="The rated service unit (record key).")
    period_id: PeriodId
    answer_id: Identifier = Field(description="The answer's id.")
    elements: dict[SkmElement, int] = Field(
        min_length=len(SkmElement),
        max_length=len(SkmElement),
        description="The score (1-4) given to each of the nine SKM elements.",
    )
    officer_nip: Nip | None = Field(default=None, description="The officer who served the citizen, if named.")
    answered_at: AwareDatetime = Field(description="When the answer was given.")

    @field_validator("elements")
    @classmethod
    def _all_elements_scored(cls, elements: dict[SkmElement, int]) -> dict[SkmElement, int]:
        missing = [e.value for e in SkmElement if e not in elements]
        if missing:
            raise ValueError(f"elements must score all nine SKM elements; missing {missing}")
        if any(not 1 <= score <= 4 for score in elements.values()):
            raise ValueError("every SKM element is scored 1 to 4")
        return elements


class UnitSatisfactionChanged(Event):
    """A unit's citizen satisfaction index (IKM) for a period changed after new answers."""

    event_type: ClassVar[str] = "kinerja.feedback.UnitSatisfactionChanged.v1"
    topic: ClassVar[str] = "kinerja.citizen-satisfaction"
    key_field: ClassVar[str] = "unit_id"

    agency_id: AgencyId
    unit_id: Identifier = Field(description="The service unit (record key).")
    period_id: PeriodId
    ikm: float = Field(ge=25, le=100, description="IKM: the mean of the nine element means x 25, two decimals.")
    mutu: Mutu = Field(description="The service quality grade for the IKM.")
    answers: int = Field(ge=1, description="How many survey answers the IKM rests on.")
    element_means: dict[SkmElement, float] = Field(
        max_length=len(SkmElement), description="The mean score (1-4) per SKM element."
    )


class RecognitionGiven(Event):
    """An employee was recognised: by their leader, or, from a checkpoint's candidates, because
    citizens rated their service in the top band with enough answers. Recorded by HR or the
    employee's appraiser; one recognition of a kind per employee and checkpoint."""

    event_type: ClassVar[str] = "kinerja.feedback.RecognitionGiven.v1"
    topic: ClassVar[str] = "kinerja.recognitions"

    agency_id: AgencyId
    nip: Nip = Field(description="The employee recognised (record key).")
    recognition_id: Identifier = Field(description="The recognition's id (a replay of the event carries the same).")
    period_id: PeriodId
    checkpoint_id: Identifier | None = Field(
        default=None, description="The checkpoint the recognition is for, if any (citizen ratings are per checkpoint)."
    )
    kind: RecognitionKind = Field(description="citizen_rating (citizens rated them well) or leader.")
    reason: RecognitionReason = Field(description="Why, as the person recognising them wrote it.")
    given_by_nip: Nip = Field(description="Who recorded the recognition (HR or the employee's appraiser).")
    given_at: AwareDatetime = Field(description="When it was recorded.")
