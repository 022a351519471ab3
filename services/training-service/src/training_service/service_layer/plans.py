"""Reacting to appraisals: decide on a development plan from each one's gaps, record the decision.

Only annual appraisals make plans: a periodic (checkpoint) appraisal is a progress check
inside the year, so it is recorded as a decision with no plan and the annual result decides.
Every appraisal id is decided once, whichever event (AppraisalCompleted with a revision
number, or AppraisalRevised) brings it first, so a revision never yields two plans. An
annual result older than one already decided for the same employee and period (by revision,
then time: a late or replayed original after its revision) is recorded with no plan, so it
cannot make a plan beside the revision's or touch the talent pool.

A batch is decided set-based: which ids are decided, the mentors, the catalogues, the
ledger and the talent pool are read once for the batch, and decisions, plans and items are
written in one statement each. A revision (an objection decided, rare) supersedes a plan
the appraisals before it may have made, so it is decided alone, in its place in the batch.
"""

import uuid
from collections.abc import Sequence

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, DevelopmentPlanCreated, Event
from kinerja_runtime.messaging import Delivered

from training_service.adapters.decision_repository import Slot
from training_service.adapters.ledger_repository import YearDone
from training_service.domain import PlanDecision, compose_plan, decide_plan, version
from training_service.service_layer import revisions, talent
from training_service.service_layer.appraised import Appraised, outcome_of
from training_service.service_layer.plan_store import NewPlan, new_plan, store_plans
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

PERIODIC_REASON = (
    "A periodic appraisal is a progress check within the year; it is recorded, and only the "
    "annual appraisal makes a development plan."
)

STALE_REASON = (
    "A later revision of this annual result was decided first; this older result is recorded and makes no plan."
)

Decidable = tuple[Delivered, Appraised]


async def on_appraisals_completed(batch: Sequence[Delivered[AppraisalCompleted]], uow: TrainingUnitOfWork) -> None:
    await decide_all(uow, [(d, Appraised.completed(d.event)) for d in batch])


async def on_appraisals_revised(batch: Sequence[Delivered[AppraisalRevised]], uow: TrainingUnitOfWork) -> None:
    await decide_all(uow, [(d, Appraised.revised(d.event)) for d in batch])


async def decide_all(uow: TrainingUnitOfWork, batch: Sequence[Decidable]) -> None:
    """Decide every appraisal of the batch not decided yet, each id once (the first event
    bringing it wins), in the batch's order."""
    decided = await uow.decisions.decided({a.appraisal_id for _, a in batch})
    latest = await uow.decisions.latest_annual({_slot(a) for _, a in batch if a.kind == "annual"})
    run: list[Decidable] = []
    stale: list[dict] = []
    for d, a in batch:
        if a.appraisal_id in decided:
            continue
        decided.add(a.appraisal_id)
        if a.kind == "annual":
            newest = latest.get(_slot(a))
            if newest is not None and newest > version(a.revision, a.at):
                stale.append(_decision_row(a, required=False, recommended=False, reason=STALE_REASON, plan_id=None))
                continue
            latest[_slot(a)] = version(a.revision, a.at)
        if a.kind == "annual" and a.is_revision:
            await _decide_originals(uow, run)
            run = []
            await _decide_revision(uow, d, a)
        else:
            run.append((d, a))
    await _decide_originals(uow, run)
    await uow.decisions.add_many(stale)


def _slot(a: Appraised) -> Slot:
    return a.agency_id, a.nip, a.period_id


async def _decide_originals(uow: TrainingUnitOfWork, run: Sequence[Decidable]) -> None:
    """Decide appraisals none of which supersedes a plan, with a constant number of statements."""
    if not run:
        return
    annual = [(d, a) for d, a in run if a.kind == "annual"]
    talent_events = await talent.record_annuals(uow, [a for _, a in annual])
    catalogues = await uow.catalogue.load_many({a.agency_id for _, a in annual})
    # The agency's date the appraisal completed on: the plan's year and the items' due dates.
    days = await uow.local_dates({(a.agency_id, a.at) for _, a in annual})
    done = await uow.ledger.completed_in({(a.agency_id, a.nip, days[a.agency_id, a.at].year) for _, a in annual})
    mentors = await _roster_appraisers(uow, {(a.agency_id, a.nip) for _, a in annual})
    decisions: list[dict] = []
    plans: list[NewPlan] = []
    announcements: list[tuple[Delivered, list[Event]]] = []
    for d, a in run:
        if a.kind != "annual":
            decisions.append(_decision_row(a, required=False, recommended=False, reason=PERIODIC_REASON, plan_id=None))
            continue
        catalogue = catalogues[a.agency_id]
        decision = decide_plan(outcome_of(a), catalogue)
        plan_id = str(uuid.uuid4()) if decision.makes_plan else None
        decisions.append(
            _decision_row(
                a, required=decision.required, recommended=decision.recommended, reason=decision.reason, plan_id=plan_id
            )
        )
        events: list[Event] = list(talent_events.get(a.appraisal_id, []))
        if plan_id is not None:
            planned_on = days[a.agency_id, a.at]
            year = planned_on.year  # the plan follows the appraisal: it tops up the year it is made in
            year_done = done.get((a.agency_id, a.nip, year), YearDone())
            composed = compose_plan(
                decision,
                catalogue,
                planned_on=planned_on,
                year=year,
                completed_jp=year_done.jp,
                completed_codes=year_done.codes,
            )
            plan = new_plan(a, plan_id, composed, year, mentors.get((a.agency_id, a.nip)) or a.appraiser_nip)
            plans.append(plan)
            events.append(
                DevelopmentPlanCreated(
                    agency_id=a.agency_id,
                    period_id=a.period_id,
                    nip=a.nip,
                    plan_id=plan_id,
                    appraisal_id=a.appraisal_id,
                    predikat=a.predikat,
                    items=plan.items,
                    total_jp=composed.total_jp,
                    created_at=a.at,
                    mandatory=composed.mandatory,
                )
            )
        if events:
            announcements.append((d, events))
    await uow.decisions.add_many(decisions)
    await store_plans(uow, plans)
    await uow.publish_many(
        [e for _, events in announcements for e in events],
        causes=[d.envelope.attributes for d, events in announcements for _ in events],
    )


async def _decide_revision(uow: TrainingUnitOfWork, d: Delivered, a: Appraised) -> None:
    """A revised annual result supersedes the plan of the result it replaces; with no plan to
    supersede it is decided like an original."""
    superseded = await revisions.plan_to_supersede(uow, a)
    if superseded is None:
        await _decide_originals(uow, [(d, a)])
        return
    talent_events = await talent.record_annuals(uow, [a])
    catalogue = await uow.catalogue.load(a.agency_id)
    decision: PlanDecision = decide_plan(outcome_of(a), catalogue)
    mentor = await _mentor_of(uow, a, superseded)
    with d.causing():
        for event in talent_events.get(a.appraisal_id, []):
            await uow.publish(event)
        plan_id = await revisions.supersede(uow, a, decision, catalogue, superseded, mentor)
    await uow.decisions.add_many(
        [
            _decision_row(
                a, required=decision.required, recommended=decision.recommended, reason=decision.reason, plan_id=plan_id
            )
        ]
    )


def _decision_row(a: Appraised, *, required: bool, recommended: bool, reason: str, plan_id: str | None) -> dict:
    return dict(
        appraisal_id=a.appraisal_id,
        agency_id=a.agency_id,
        period_id=a.period_id,
        nip=a.nip,
        predikat=a.predikat.value,
        required=required,
        recommended=recommended,
        reason=reason[:500],
        plan_id=plan_id,
        decided_at=a.at,
        kind=a.kind,
        checkpoint_id=a.checkpoint_id,
        revision=a.revision,
        supersedes_appraisal_id=a.supersedes_appraisal_id,
    )


async def _roster_appraisers(uow: TrainingUnitOfWork, employees: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Each employee's appraiser in the roster projection, where it names one."""
    found = await uow.roster.employees_in(employees)
    return {key: e.appraiser_nip for key, e in found.items() if e.appraiser_nip}


async def _mentor_of(
    uow: TrainingUnitOfWork, a: Appraised, superseded: revisions.SupersededPlan | None = None
) -> str | None:
    """The employee's appraiser: from the roster, else the one who confirmed the appraisal,
    else the mentor of the plan being superseded. (The roster event may still be on its way:
    the plan does not wait for a mentor.)"""
    found = await uow.roster.appraiser_of(a.agency_id, a.nip)
    return found or a.appraiser_nip or (superseded.mentor_nip if superseded is not None else None)
