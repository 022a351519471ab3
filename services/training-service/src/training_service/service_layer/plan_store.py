"""Storing composed plans with their items (the mentor on each item)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from kinerja_contracts import PlanItem

from training_service.domain import ComposedPlan
from training_service.domain.progress import ItemProgress, plan_completed
from training_service.service_layer.appraised import Appraised
from training_service.service_layer.unit_of_work import TrainingUnitOfWork


@dataclass(frozen=True)
class NewPlan:
    """A plan and its items as rows, and the items as announced."""

    row: dict
    items: list[PlanItem]

    @property
    def item_rows(self) -> list[dict]:
        return [{**item.model_dump(), "plan_id": self.row["plan_id"]} for item in self.items]


def new_plan(a: Appraised, plan_id: str, composed: ComposedPlan, year: int, mentor: str | None, **extra) -> NewPlan:
    items = [
        PlanItem(
            item_id=str(uuid.uuid4()),
            competency=d.competency,
            gap_kind=d.gap_kind,
            gap=d.gap,
            catalogue_code=d.catalogue_code,
            title=d.title,
            form=d.form,
            method=d.method,
            jp=d.jp,
            mandatory=d.mandatory,
            due_on=d.due_on,
            mentor_nip=mentor,
        )
        for d in composed.items
    ]
    done = plan_completed(ItemProgress(i.mandatory, completed=False) for i in items)
    row = dict(
        plan_id=plan_id,
        agency_id=a.agency_id,
        period_id=a.period_id,
        nip=a.nip,
        appraisal_id=a.appraisal_id,
        predikat=a.predikat.value,
        total_jp=composed.total_jp,
        status="completed" if done else "active",
        created_at=a.at,
        mandatory=composed.mandatory,
        year=year,
        **extra,
    )
    return NewPlan(row, items)


async def store_plans(uow: TrainingUnitOfWork, new: Sequence[NewPlan]) -> None:
    """Every plan in one statement and every item in another (all plans given carry the same columns)."""
    await uow.plans.add_many([p.row for p in new], [row for p in new for row in p.item_rows])


async def store_plan(
    uow: TrainingUnitOfWork,
    a: Appraised,
    plan_id: str,
    composed: ComposedPlan,
    year: int,
    mentor: str | None,
    **extra,
) -> list[PlanItem]:
    plan = new_plan(a, plan_id, composed, year, mentor, **extra)
    await store_plans(uow, [plan])
    return plan.items
