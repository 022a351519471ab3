"""Reacting to an appraisal: decide on a development plan from its gaps, record the decision.

Only annual appraisals make plans: a periodic (checkpoint) appraisal is a progress check
inside the year, so it is recorded as a decision with no plan and the annual result decides.
Every appraisal id is decided once, whichever event (AppraisalCompleted with a revision
number, or AppraisalRevised) brings it first, so a revision never yields two plans.
"""

import uuid

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, DevelopmentPlanCreated
from kinerja_runtime import roster
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select

from training_service.adapters import catalogue_repository
from training_service.adapters.orm import plan_decisions
from training_service.domain import compose_plan, decide_plan
from training_service.service_layer import ledger, revisions, talent
from training_service.service_layer.appraised import Appraised, outcome_of
from training_service.service_layer.plan_store import store_plan

PERIODIC_REASON = (
    "A periodic appraisal is a progress check within the year; it is recorded, and only the "
    "annual appraisal makes a development plan."
)


async def on_appraisal_completed(event: AppraisalCompleted, _envelope, uow: UnitOfWork) -> None:
    await decide(uow, Appraised.completed(event))


async def on_appraisal_revised(event: AppraisalRevised, _envelope, uow: UnitOfWork) -> None:
    await decide(uow, Appraised.revised(event))


async def decide(uow: UnitOfWork, a: Appraised) -> None:
    decided = await uow.session.scalar(
        select(plan_decisions.c.appraisal_id).where(plan_decisions.c.appraisal_id == a.appraisal_id)
    )
    if decided is not None:
        return
    if a.kind != "annual":
        await _record_decision(uow, a, required=False, recommended=False, reason=PERIODIC_REASON, plan_id=None)
        return
    await talent.record_annual(uow, a.agency_id, a.nip, a.period_id, a.predikat, a.appraisal_id, a.at)
    catalogue = await catalogue_repository.load(uow.session, a.agency_id)
    decision = decide_plan(outcome_of(a), catalogue)
    superseded = await revisions.plan_to_supersede(uow.session, a) if a.is_revision else None
    if superseded is not None:
        mentor = await _mentor_of(uow, a, superseded)
        plan_id = await revisions.supersede(uow, a, decision, catalogue, superseded, mentor)
        await _record_decision(uow, a, required=decision.required, recommended=decision.recommended,
                               reason=decision.reason, plan_id=plan_id)
        return
    plan_id = str(uuid.uuid4()) if decision.makes_plan else None
    await _record_decision(uow, a, required=decision.required, recommended=decision.recommended,
                           reason=decision.reason, plan_id=plan_id)
    if plan_id is None:
        return
    year = a.at.year  # the plan follows the appraisal: it tops up the year it is made in
    composed = compose_plan(
        decision, catalogue, planned_on=a.at.date(), year=year,
        completed_jp=await ledger.completed_jp(uow.session, a.agency_id, a.nip, year),
        completed_codes=await ledger.completed_codes(uow.session, a.agency_id, a.nip, year),
    )
    items = await store_plan(uow, a, plan_id, composed, year, await _mentor_of(uow, a))
    await uow.publish(DevelopmentPlanCreated(
        agency_id=a.agency_id, period_id=a.period_id, nip=a.nip, plan_id=plan_id, appraisal_id=a.appraisal_id,
        predikat=a.predikat, items=items, total_jp=composed.total_jp, created_at=a.at, mandatory=composed.mandatory,
    ))


async def _record_decision(uow: UnitOfWork, a: Appraised, *, required: bool, recommended: bool, reason: str,
                           plan_id: str | None) -> None:
    await uow.session.execute(insert(plan_decisions).values(
        appraisal_id=a.appraisal_id, agency_id=a.agency_id, period_id=a.period_id, nip=a.nip,
        predikat=a.predikat.value, required=required, recommended=recommended, reason=reason[:500],
        plan_id=plan_id, decided_at=a.at, kind=a.kind, checkpoint_id=a.checkpoint_id, revision=a.revision,
        supersedes_appraisal_id=a.supersedes_appraisal_id,
    ))


async def _mentor_of(uow: UnitOfWork, a: Appraised, superseded=None) -> str | None:
    """The employee's appraiser: from the roster, else the one who confirmed the appraisal,
    else the mentor of the plan being superseded."""
    try:
        found = (await roster.employee(uow.session, a.agency_id, a.nip)).appraiser_nip
    except NotFound:
        found = None  # the roster event may still be on its way; the plan does not wait for a mentor
    return found or a.appraiser_nip or (superseded.mentor_nip if superseded is not None else None)
