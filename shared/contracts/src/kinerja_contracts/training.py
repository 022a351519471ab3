"""Events produced by the training service."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from .base import AgencyId, Event, Identifier, Nip, PeriodId, Text, Value
from .vocabulary import DevelopmentForm, Predikat


class PlanItem(Value):
    """One development activity addressing one gap."""

    item_id: Identifier = Field(description="The item's id within the plan.")
    competency: Text = Field(description="The competency to develop.")
    gap_kind: Literal["perilaku", "hasil_kerja"] = Field(
        description="Whether the gap is in behaviour (perilaku) or results (hasil_kerja)."
    )
    gap: Identifier = Field(
        description="The gap addressed: a BerAKHLAK value (perilaku) or an iki_id (hasil_kerja)."
    )
    catalogue_code: Identifier = Field(
        description="Code of the activity in the training catalogue."
    )
    title: Text = Field(description="Title of the activity.")
    form: DevelopmentForm = Field(description="Klasikal or nonklasikal.")
    method: Text = Field(
        description='How it is delivered, e.g. "pelatihan", "coaching", "mentoring", "e-learning".'
    )
    jp: int = Field(gt=0, description="Lesson hours (jam pelajaran) the activity gives.")


class DevelopmentPlanCreated(Event):
    """A development plan (IDP) was created from an appraisal."""

    event_type: ClassVar[str] = "kinerja.training.DevelopmentPlanCreated.v1"
    topic: ClassVar[str] = "kinerja.development"

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee the plan is for (record key).")
    plan_id: Identifier = Field(description="The plan's id.")
    appraisal_id: Identifier = Field(description="The appraisal the plan was made from.")
    predikat: Predikat = Field(description="The predikat of that appraisal.")
    items: list[PlanItem] = Field(description="The planned activities.")
    total_jp: int = Field(ge=0, description="Sum of the items' JP.")
    created_at: AwareDatetime = Field(description="When the plan was created.")

    @model_validator(mode="after")
    def _consistent(self) -> DevelopmentPlanCreated:
        ids = [i.item_id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item_id values must be unique within the plan")
        if self.total_jp != sum(i.jp for i in self.items):
            raise ValueError("total_jp must equal the sum of the items' jp")
        return self
