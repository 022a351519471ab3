"""A revised appraisal (objection decided, PP 30/2019 art. 59) supersedes the plan made
from the result it replaces. Completed hours are kept: the ledger keeps their JP, the
gaps they closed are not planned again, and the JP top-up counts them. When the revised
predikat needs no plan, the old plan is superseded by an empty one, so the employee and
HR see why the work stopped.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from kinerja_contracts import DevelopmentPlanRevised

from training_service.domain import CatalogueItem, PlanDecision, compose_plan
from training_service.service_layer.appraised import Appraised
from training_service.service_layer.plan_store import store_plan
from training_service.service_layer.unit_of_work import TrainingUnitOfWork


@dataclass(frozen=True)
class SupersededPlan:
    plan_id: str
    year: int
    mentor_nip: str | None
    completed: tuple[tuple[str, str, int], ...]  # (gap, catalogue_code, jp) of completed items

    @property
    def completed_jp(self) -> int:
        return sum(jp for _, _, jp in self.completed)


async def plan_to_supersede(uow: TrainingUnitOfWork, a: Appraised) -> SupersededPlan | None:
    """The plan of the appraisal being replaced, else the employee's current plan of the period."""
    plan = await uow.plans.current_of_period(a.agency_id, a.nip, a.period_id, a.supersedes_appraisal_id)
    if plan is None:
        return None
    items = await uow.plans.items_of(plan["plan_id"])
    return SupersededPlan(
        plan_id=plan["plan_id"],
        year=plan["year"] or plan["created_at"].year,
        mentor_nip=next((i["mentor_nip"] for i in items if i["mentor_nip"]), None),
        completed=tuple((i["gap"], i["catalogue_code"], i["jp"]) for i in items if i["status"] == "completed"),
    )


async def supersede(
    uow: TrainingUnitOfWork,
    a: Appraised,
    decision: PlanDecision,
    catalogue: Sequence[CatalogueItem],
    old: SupersededPlan,
    mentor: str | None,
) -> str:
    composed = compose_plan(
        decision,
        catalogue,
        planned_on=await uow.local_date(a.agency_id, a.at),
        year=old.year,
        completed_jp=await uow.ledger.completed_jp(a.agency_id, a.nip, old.year),
        completed_gaps=[(gap, code) for gap, code, _ in old.completed],
        completed_codes=await uow.ledger.completed_codes(a.agency_id, a.nip, old.year),
    )
    plan_id = str(uuid.uuid4())
    await uow.plans.supersede(old.plan_id, by_plan_id=plan_id)
    items = await store_plan(
        uow, a, plan_id, composed, old.year, mentor, supersedes_plan_id=old.plan_id, completed_jp_kept=old.completed_jp
    )
    await uow.publish(
        DevelopmentPlanRevised(
            agency_id=a.agency_id,
            period_id=a.period_id,
            nip=a.nip,
            plan_id=plan_id,
            supersedes_plan_id=old.plan_id,
            appraisal_id=a.appraisal_id,
            predikat=a.predikat,
            mandatory=composed.mandatory,
            items=items,
            total_jp=composed.total_jp,
            completed_jp_kept=old.completed_jp,
            revised_at=a.at,
        )
    )
    return plan_id
