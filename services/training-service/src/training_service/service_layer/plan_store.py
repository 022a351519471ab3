"""Storing a composed plan with its items (the mentor on each item)."""

import uuid

from kinerja_contracts import PlanItem
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert

from training_service.adapters.orm import plan_items, plans
from training_service.domain import ComposedPlan
from training_service.domain.progress import ItemProgress, plan_completed
from training_service.service_layer.appraised import Appraised


async def store_plan(
    uow: UnitOfWork, a: Appraised, plan_id: str, composed: ComposedPlan, year: int, mentor: str | None,
    **extra,
) -> list[PlanItem]:
    items = [
        PlanItem(item_id=str(uuid.uuid4()), competency=d.competency, gap_kind=d.gap_kind, gap=d.gap,
                 catalogue_code=d.catalogue_code, title=d.title, form=d.form, method=d.method, jp=d.jp,
                 mandatory=d.mandatory, due_on=d.due_on, mentor_nip=mentor)
        for d in composed.items
    ]
    done = plan_completed(ItemProgress(i.mandatory, completed=False) for i in items)
    await uow.session.execute(insert(plans).values(
        plan_id=plan_id, agency_id=a.agency_id, period_id=a.period_id, nip=a.nip, appraisal_id=a.appraisal_id,
        predikat=a.predikat.value, total_jp=composed.total_jp, status="completed" if done else "active",
        created_at=a.at, mandatory=composed.mandatory, year=year, **extra,
    ))
    for item in items:
        await uow.session.execute(insert(plan_items).values(**item.model_dump(), plan_id=plan_id))
    return items
