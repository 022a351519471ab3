"""Events produced by the appraisal service."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from .base import AgencyId, Event, Identifier, Nip, PeriodId, Text, Value
from .vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind


class IndikatorResult(Value):
    """How one IKI ended the period."""

    iki_id: Identifier = Field(description="The indicator's id (from TargetSet).")
    rhk_id: Identifier = Field(description="The RHK the indicator belongs to.")
    rhk_kind: RhkKind = Field(description="Whether the RHK is utama or tambahan.")
    aspect: Aspect = Field(description="The aspect the indicator measures.")
    description: Text = Field(description="What is measured.")
    target: float = Field(gt=0, allow_inf_nan=False, description="The target value.")
    realization: float | None = Field(
        ge=0, allow_inf_nan=False, description="The latest realised value, or null if none."
    )
    capaian: float = Field(
        ge=0, allow_inf_nan=False, description="Achievement (capaian) in percent of target."
    )
    met: bool = Field(description="Whether the target counts as met under the agency policy.")


class PerilakuResult(Value):
    """The aggregated level for one BerAKHLAK value."""

    value: BerakhlakValue = Field(description="The BerAKHLAK value.")
    level: Ekspektasi = Field(description="The aggregated level for the value.")
    answers: int = Field(ge=0, description="How many feedback answers the level rests on.")


class AppraisalSummary(Value):
    """The evidence an appraisal rests on."""

    indikator: list[IndikatorResult] = Field(description="Per-indicator results.")
    perilaku: list[PerilakuResult] = Field(description="Per-BerAKHLAK-value results.")
    average_capaian_utama: float | None = Field(
        ge=0,
        allow_inf_nan=False,
        description="Mean capaian (percent) over the utama indicators, or null if none.",
    )
    feedback_answers: int = Field(ge=0, description="How many feedback forms were counted.")
    citizen_service_score: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description=(
            "Citizens' survey answers naming the employee, as evidence for Berorientasi Pelayanan:"
            " -1 (all 1s) to +1 (all 4s); null when no citizen named them."
        ),
    )


class AppraisalCompleted(Event):
    """An employee's appraisal for a period was finalised (or revised after objection)."""

    event_type: ClassVar[str] = "kinerja.appraisal.AppraisalCompleted.v1"
    topic: ClassVar[str] = "kinerja.appraisals"

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The appraised employee (record key).")
    appraisal_id: Identifier = Field(description="The appraisal's id.")
    rating_hasil_kerja: Ekspektasi = Field(description="The results (hasil kerja) rating.")
    rating_perilaku: Ekspektasi = Field(description="The behaviour (perilaku kerja) rating.")
    predikat: Predikat = Field(description="The predikat kinerja (final grade).")
    policy_version: Text = Field(
        description="Version of the agency policy used to propose ratings."
    )
    completed_at: AwareDatetime = Field(description="When the appraisal was completed.")
    summary: AppraisalSummary = Field(description="The evidence behind the ratings.")
