"""HTTP routes of training-service."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select

from training_service.adapters.orm import catalogue, plan_decisions, plan_items, plans

router = APIRouter(tags=["development"])


@router.get("/catalogue", summary="The training catalogue")
async def read_catalogue(
    _principal: Annotated[Principal, Depends(current_principal)],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
    competency: str | None = None,
):
    query = select(catalogue).order_by(catalogue.c.code)
    if competency:
        query = query.where(catalogue.c.competency == competency)
    async with uow:
        return [dict(r._mapping) for r in (await uow.session.execute(query)).all()]


async def _plans_with_items(uow: UnitOfWork, query) -> list[dict]:
    rows = (await uow.session.execute(query)).all()
    result = []
    for row in rows:
        items = (await uow.session.execute(
            select(plan_items).where(plan_items.c.plan_id == row.plan_id).order_by(plan_items.c.gap_kind, plan_items.c.gap)
        )).all()
        result.append({**row._mapping, "items": [dict(i._mapping) for i in items]})
    return result


@router.get("/employees/{nip}/plans", summary="An employee's development plans and plan decisions")
async def employee_plans(
    nip: str,
    principal: Annotated[Principal, Depends(current_principal)],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    if principal.nip != nip and not principal.has(Role.HR, Role.APPRAISER):
        raise NotFound(f"no plans of {nip}")
    async with uow:
        found = await _plans_with_items(uow, select(plans).where(plans.c.agency_id == principal.agency, plans.c.nip == nip))
        decisions = (await uow.session.execute(select(plan_decisions).where(
            plan_decisions.c.agency_id == principal.agency, plan_decisions.c.nip == nip,
        ))).all()
    return {"nip": nip, "plans": found, "decisions": [dict(d._mapping) for d in decisions]}


@router.get("/periods/{period_id}/plan-decisions", summary="Every plan decision of a period (HR)")
async def period_decisions(
    period_id: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR))],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    async with uow:
        decisions = (await uow.session.execute(
            select(plan_decisions).where(plan_decisions.c.agency_id == principal.agency, plan_decisions.c.period_id == period_id)
            .order_by(plan_decisions.c.nip).limit(limit).offset(offset)
        )).all()
        found = await _plans_with_items(uow, select(plans).where(
            plans.c.agency_id == principal.agency, plans.c.period_id == period_id).order_by(plans.c.nip))
    return {"period_id": period_id, "decisions": [dict(d._mapping) for d in decisions], "plans": found}
