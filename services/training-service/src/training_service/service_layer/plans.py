"""Reacting to an appraisal: decide on a development plan from its gaps, record the decision."""

import uuid
from datetime import UTC, datetime

from kinerja_contracts import AppraisalCompleted, DevelopmentPlanCreated, PlanItem
from kinerja_contracts.vocabulary import Ekspektasi, RhkKind
from kinerja_runtime import roster
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select

from training_service.adapters import catalogue_repository
from training_service.adapters.orm import plan_decisions, plan_items, plans
from training_service.domain.plan import AppraisalOutcome, MissedIndikator, decide_plan


def outcome_of(event: AppraisalCompleted) -> AppraisalOutcome:
    summary = event.summary
    return AppraisalOutcome(
        nip=event.nip,
        predikat=event.predikat,
        weak_values=tuple(p.value for p in summary.perilaku if p.level is Ekspektasi.DI_BAWAH),
        missed_indikator=tuple(
            MissedIndikator(i.iki_id, i.aspect, i.description)
            for i in summary.indikator
            if not i.met and i.rhk_kind is RhkKind.UTAMA
        ),
    )


async def on_appraisal_completed(event: AppraisalCompleted, _envelope, uow: UnitOfWork) -> None:
    decided = await uow.session.scalar(
        select(plan_decisions.c.appraisal_id).where(plan_decisions.c.appraisal_id == event.appraisal_id)
    )
    if decided is not None:
        return
    decision = decide_plan(outcome_of(event), await catalogue_repository.load(uow.session))
    now = datetime.now(UTC)
    plan_id = str(uuid.uuid4()) if decision.required else None
    await uow.session.execute(insert(plan_decisions).values(
        appraisal_id=event.appraisal_id, agency_id=event.agency_id, period_id=event.period_id, nip=event.nip,
        predikat=event.predikat.value, required=decision.required, reason=decision.reason,
        plan_id=plan_id, decided_at=now,
    ))
    if not decision.required:
        return
    mentor = await _mentor_of(uow, event.agency_id, event.nip)
    items = [PlanItem(item_id=str(uuid.uuid4()), competency=d.competency, gap_kind=d.gap_kind, gap=d.gap,
                      catalogue_code=d.catalogue_code, title=d.title, form=d.form, method=d.method, jp=d.jp)
             for d in decision.items]
    await uow.session.execute(insert(plans).values(
        plan_id=plan_id, agency_id=event.agency_id, period_id=event.period_id, nip=event.nip,
        appraisal_id=event.appraisal_id, predikat=event.predikat.value, total_jp=decision.total_jp,
        status="active", created_at=now,
    ))
    for item in items:
        await uow.session.execute(insert(plan_items).values(
            **item.model_dump(mode="json"), plan_id=plan_id, mentor_nip=mentor,
        ))
    await uow.publish(DevelopmentPlanCreated(
        agency_id=event.agency_id, period_id=event.period_id, nip=event.nip, plan_id=plan_id,
        appraisal_id=event.appraisal_id, predikat=event.predikat, items=items, total_jp=decision.total_jp,
        created_at=now,
    ))


async def _mentor_of(uow: UnitOfWork, agency_id: str, nip: str) -> str | None:
    try:
        return (await roster.employee(uow.session, agency_id, nip)).appraiser_nip
    except NotFound:
        return None  # the roster event may still be on its way; the plan does not wait for a mentor
