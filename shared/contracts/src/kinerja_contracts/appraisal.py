"""Events produced by the appraisal service."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from .base import AgencyId, Description, Event, Identifier, Nip, PeriodId, Reason, ShortText, Value
from .limits import IKI_PER_SKP_MAX, KIB
from .vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind


class IndikatorResult(Value):
    """How one IKI ended the period."""

    iki_id: Identifier = Field(description="The indicator's id (from TargetSet).")
    rhk_id: Identifier = Field(description="The RHK the indicator belongs to.")
    rhk_kind: RhkKind = Field(description="Whether the RHK is utama or tambahan.")
    aspect: Aspect = Field(description="The aspect the indicator measures.")
    description: Description = Field(description="What is measured.")
    target: float = Field(gt=0, allow_inf_nan=False, description="The target value.")
    realization: float | None = Field(
        ge=0, allow_inf_nan=False, description="The latest realised value, or null if none."
    )
    capaian: float = Field(ge=0, allow_inf_nan=False, description="Achievement (capaian) in percent of target.")
    met: bool = Field(description="Whether the target counts as met under the agency policy.")


class PerilakuResult(Value):
    """The aggregated level for one BerAKHLAK value."""

    value: BerakhlakValue = Field(description="The BerAKHLAK value.")
    level: Ekspektasi = Field(description="The aggregated level for the value.")
    answers: int = Field(ge=0, description="How many feedback answers the level rests on.")


class AppraisalSummary(Value):
    """The evidence an appraisal rests on."""

    indikator: list[IndikatorResult] = Field(max_length=IKI_PER_SKP_MAX, description="Per-indicator results.")
    perilaku: list[PerilakuResult] = Field(
        max_length=len(BerakhlakValue),
        description=("Per-BerAKHLAK-value results; a value named in `perilaku_withheld` is left out."),
    )
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
    perilaku_withheld: list[BerakhlakValue] = Field(
        default_factory=list,
        max_length=len(BerakhlakValue),
        description=(
            "Values whose level is withheld under the anonymity rule: fewer than 3 peer or"
            " subordinate answers of one source would be part of it. Only the final ratings"
            " rest on them."
        ),
    )

    weak_values: list[BerakhlakValue] | None = Field(
        default=None,
        max_length=len(BerakhlakValue),
        description=(
            "The development gaps in behaviour: values rated below expectations, by the appraisal's"
            " own rule (training plans rest on them). Null from producers older than this field."
        ),
    )
    missed_utama_iki_ids: list[Identifier] | None = Field(
        default=None,
        max_length=IKI_PER_SKP_MAX,
        description=(
            "The development gaps in results: utama IKI whose target was not met (each is in"
            " `indikator`). Null from producers older than this field."
        ),
    )


class AppraisalCompleted(Event):
    """An employee's appraisal for a period was finalised (or revised after objection)."""

    event_type: ClassVar[str] = "kinerja.appraisal.AppraisalCompleted.v1"
    topic: ClassVar[str] = "kinerja.appraisals"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The appraised employee (record key).")
    appraisal_id: Identifier = Field(description="The appraisal's id.")
    rating_hasil_kerja: Ekspektasi = Field(description="The results (hasil kerja) rating.")
    rating_perilaku: Ekspektasi = Field(description="The behaviour (perilaku kerja) rating.")
    predikat: Predikat = Field(description="The predikat kinerja (final grade).")
    policy_version: ShortText = Field(description="Version of the agency policy used to propose ratings.")
    completed_at: AwareDatetime = Field(description="When the appraisal was completed.")
    summary: AppraisalSummary = Field(description="The evidence behind the ratings.")
    kind: Literal["annual", "periodic"] = Field(
        default="annual", description="An annual appraisal, or a periodic one for a checkpoint."
    )
    checkpoint_id: Identifier | None = Field(
        default=None, description="The checkpoint a periodic appraisal covers; null for the annual one."
    )
    proposed_rating_hasil_kerja: Ekspektasi | None = Field(
        default=None, description="The results rating the agency policy proposed."
    )
    proposed_rating_perilaku: Ekspektasi | None = Field(
        default=None, description="The behaviour rating the agency policy proposed."
    )
    override_reason: Reason | None = Field(
        default=None, description="The appraiser's written reason when a final rating differs from the proposal."
    )
    appraiser_nip: Nip | None = Field(default=None, description="The appraiser who confirmed the result.")
    revision: int = Field(default=1, ge=1, description="1 for the original result; raised by each revision.")


class AppraisalRevised(Event):
    """An objection (keberatan) changed a final result: a new revision supersedes the previous
    one, which stays readable."""

    event_type: ClassVar[str] = "kinerja.appraisal.AppraisalRevised.v1"
    topic: ClassVar[str] = "kinerja.appraisals"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The appraised employee (record key).")
    appraisal_id: Identifier = Field(description="The new revision's id.")
    supersedes_appraisal_id: Identifier = Field(description="The appraisal (revision) it replaces.")
    revision: int = Field(ge=2, description="The new revision number.")
    objection_id: Identifier = Field(description="The objection whose decision changed the result.")
    decided_by: Nip = Field(description="The appraiser's superior who decided the objection.")
    reason: Reason = Field(description="The written reasons of the decision.")
    rating_hasil_kerja: Ekspektasi = Field(description="The revised results rating.")
    rating_perilaku: Ekspektasi = Field(description="The revised behaviour rating.")
    predikat: Predikat = Field(description="The revised predikat kinerja.")
    policy_version: ShortText = Field(description="The agency policy version the original used.")
    kind: Literal["annual", "periodic"] = Field(default="annual", description="Annual or periodic.")
    checkpoint_id: Identifier | None = Field(default=None, description="The checkpoint of a periodic appraisal.")
    summary: AppraisalSummary = Field(description="The evidence behind the original ratings.")
    revised_at: AwareDatetime = Field(description="When the revision was made.")
