"""Events produced by the training service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from .base import AgencyId, Event, Evidence, Identifier, Name, Nip, PeriodId, ShortText, Title, Value
from .limits import KIB, PLAN_ITEMS_MAX, YEARS_MAX
from .vocabulary import DevelopmentForm, Predikat


class PlanItem(Value):
    """One development activity addressing one gap."""

    item_id: Identifier = Field(description="The item's id within the plan.")
    competency: Name = Field(description="The competency to develop.")
    gap_kind: Literal["perilaku", "hasil_kerja", "jp_entitlement"] = Field(
        description=(
            "Whether the gap is in behaviour (perilaku) or results (hasil_kerja), or the item tops"
            " the employee up to the yearly 20 JP entitlement (jp_entitlement)."
        )
    )
    gap: Identifier = Field(description="The gap addressed: a BerAKHLAK value (perilaku) or an iki_id (hasil_kerja).")
    catalogue_code: Identifier = Field(description="Code of the activity in the training catalogue.")
    title: Title = Field(description="Title of the activity.")
    form: DevelopmentForm = Field(description="Klasikal or nonklasikal.")
    method: ShortText = Field(
        description='How it is delivered, e.g. "pelatihan", "coaching", "mentoring", "e-learning".'
    )
    jp: int = Field(gt=0, description="Lesson hours (jam pelajaran) the activity gives.")
    mandatory: bool = Field(default=True, description="False for a recommended (not required) item.")
    due_on: date | None = Field(default=None, description="When the item should be completed.")
    mentor_nip: Nip | None = Field(default=None, description="The mentor, usually the appraiser.")


class DevelopmentPlanCreated(Event):
    """A development plan (IDP) was created from an appraisal."""

    event_type: ClassVar[str] = "kinerja.training.DevelopmentPlanCreated.v1"
    topic: ClassVar[str] = "kinerja.development"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee the plan is for (record key).")
    plan_id: Identifier = Field(description="The plan's id.")
    appraisal_id: Identifier = Field(description="The appraisal the plan was made from.")
    predikat: Predikat = Field(description="The predikat of that appraisal.")
    items: list[PlanItem] = Field(max_length=PLAN_ITEMS_MAX, description="The planned activities.")
    total_jp: int = Field(ge=0, description="Sum of the items' JP.")
    created_at: AwareDatetime = Field(description="When the plan was created.")
    mandatory: bool = Field(
        default=True, description="True for a plan a low predikat requires; false for a recommended plan."
    )

    @model_validator(mode="after")
    def _consistent(self) -> DevelopmentPlanCreated:
        ids = [i.item_id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item_id values must be unique within the plan")
        if self.total_jp != sum(i.jp for i in self.items):
            raise ValueError("total_jp must equal the sum of the items' jp")
        return self


class DevelopmentPlanRevised(Event):
    """A plan was superseded after its appraisal was revised; completed hours carry over."""

    event_type: ClassVar[str] = "kinerja.training.DevelopmentPlanRevised.v1"
    topic: ClassVar[str] = "kinerja.development"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee the plan is for (record key).")
    plan_id: Identifier = Field(description="The new plan's id.")
    supersedes_plan_id: Identifier = Field(description="The plan it replaces.")
    appraisal_id: Identifier = Field(description="The revised appraisal the plan follows.")
    predikat: Predikat = Field(description="The revised predikat.")
    mandatory: bool = Field(description="Whether the new plan is required.")
    items: list[PlanItem] = Field(
        max_length=PLAN_ITEMS_MAX,
        description="The planned activities (may be empty when no plan is needed any more).",
    )
    total_jp: int = Field(ge=0, description="Sum of the items' JP.")
    completed_jp_kept: int = Field(ge=0, description="JP already completed under the old plan, kept in the ledger.")
    revised_at: AwareDatetime = Field(description="When the plan was revised.")


class TrainingCompleted(Event):
    """An employee completed a development activity; its JP are credited to the ledger."""

    event_type: ClassVar[str] = "kinerja.training.TrainingCompleted.v1"
    topic: ClassVar[str] = "kinerja.development"

    agency_id: AgencyId
    nip: Nip = Field(description="The employee (record key).")
    year: int = Field(ge=2000, le=2100, description="The year the JP count toward.")
    catalogue_code: Identifier = Field(description="The completed activity's catalogue code.")
    jp: int = Field(gt=0, description="Lesson hours credited.")
    plan_id: Identifier | None = Field(default=None, description="The plan the activity belonged to, if any.")
    item_id: Identifier | None = Field(default=None, description="The plan item, if any.")
    evidence: Evidence = Field(description="Evidence of completion: a certificate number, link or document id.")
    completed_on: date = Field(description="The day it was completed.")


class TalentPoolNominated(Event):
    """An employee rated Sangat Baik in two consecutive annual appraisals was nominated for
    the talent (succession) pool."""

    event_type: ClassVar[str] = "kinerja.training.TalentPoolNominated.v1"
    topic: ClassVar[str] = "kinerja.development"
    max_encoded_bytes: ClassVar[int] = 32 * KIB

    agency_id: AgencyId
    nip: Nip = Field(description="The employee (record key).")
    years: list[int] = Field(min_length=2, max_length=YEARS_MAX, description="The consecutive years rated Sangat Baik.")
    appraisal_ids: list[Identifier] = Field(
        min_length=2, max_length=YEARS_MAX, description="The annual appraisals behind it."
    )
    nominated_at: AwareDatetime = Field(description="When the nomination was made.")


class TalentPoolWithdrawn(Event):
    """A talent-pool nomination was withdrawn: a revised annual result (an objection decided,
    PP 30/2019 art. 59) no longer rates one of its two years Sangat Baik. A later revision
    back to Sangat Baik nominates the employee again (a new ``TalentPoolNominated``)."""

    event_type: ClassVar[str] = "kinerja.training.TalentPoolWithdrawn.v1"
    topic: ClassVar[str] = "kinerja.development"
    max_encoded_bytes: ClassVar[int] = 32 * KIB

    agency_id: AgencyId
    nip: Nip = Field(description="The employee (record key).")
    years: list[int] = Field(min_length=2, max_length=YEARS_MAX, description="The years of the nomination withdrawn.")
    appraisal_ids: list[Identifier] = Field(
        min_length=2, max_length=YEARS_MAX, description="The annual appraisals the nomination rested on."
    )
    revised_appraisal_id: Identifier = Field(
        description="The revised appraisal whose lower predikat ended the nomination."
    )
    withdrawn_at: AwareDatetime = Field(description="When the revision was made.")
