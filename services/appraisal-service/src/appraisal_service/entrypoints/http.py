"""HTTP routes of appraisal-service."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from kinerja_runtime import roster
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select

from appraisal_service.adapters import projections
from appraisal_service.adapters.orm import appraisals, appraisals_due
from appraisal_service.service_layer.appraise import appraise

router = APIRouter(tags=["appraisals"])


def _public(row) -> dict:
    return dict(row._mapping)


@router.post("/periods/{period_id}/employees/{nip}/appraisal", summary="Appraise one employee now (HR command)")
async def appraise_now(
    period_id: str, nip: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR))],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    async with uow:
        await roster.period(uow.session, principal.agency, period_id)
        result = await appraise(uow, principal.agency, period_id, nip)
        await uow.commit()
    return result


@router.get("/periods/{period_id}/employees/{nip}/appraisal", summary="An employee's appraisal and how it was reached")
async def read_one(
    period_id: str, nip: str,
    principal: Annotated[Principal, Depends(current_principal)],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    async with uow:
        employee = await roster.employee(uow.session, principal.agency, nip)
        allowed = principal.nip in (nip, employee.appraiser_nip) or principal.has(Role.HR)
        row = (await uow.session.execute(select(appraisals).where(
            appraisals.c.agency_id == principal.agency, appraisals.c.period_id == period_id, appraisals.c.nip == nip,
        ))).first()
    if row is None or not allowed:
        raise NotFound(f"no appraisal of {nip} in period {period_id}")
    return _public(row)


@router.get("/periods/{period_id}/appraisals", summary="All appraisals of a period (HR) or of my team (appraiser)")
async def read_period(
    period_id: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    query = select(appraisals).where(appraisals.c.agency_id == principal.agency, appraisals.c.period_id == period_id)
    if not principal.has(Role.HR):
        query = query.where(appraisals.c.nip.in_(
            select(roster.known_employees.c.nip).where(
                roster.known_employees.c.agency_id == principal.agency,
                roster.known_employees.c.appraiser_nip == principal.nip,
            )
        ))
    async with uow:
        rows = (await uow.session.execute(query.order_by(appraisals.c.nip).limit(limit).offset(offset))).all()
        pending = (await uow.session.execute(select(appraisals_due.c.nip, appraisals_due.c.status, appraisals_due.c.note).where(
            appraisals_due.c.agency_id == principal.agency, appraisals_due.c.period_id == period_id,
            appraisals_due.c.status != "done",
        ))).all()
    return {
        "period_id": period_id,
        "appraisals": [_public(r) for r in rows],
        "not_completed": [dict(r._mapping) for r in pending] if principal.has(Role.HR) else [],
    }


@router.get("/periods/{period_id}/employees/{nip}/inputs", summary="What this service knows of an employee's year so far")
async def read_inputs(
    period_id: str, nip: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    async with uow:
        await roster.employee(uow.session, principal.agency, nip)
        target = await projections.target_of(uow.session, principal.agency, period_id, nip)
        realizations = await projections.realization_count(uow.session, target.skp_id) if target else 0
        _answers, forms = await projections.feedback_of(uow.session, principal.agency, period_id, nip)
    return {
        "nip": nip,
        "period_id": period_id,
        "skp_id": target.skp_id if target else None,
        "skp_version": target.version if target else None,
        "realizations": realizations,
        "feedback_forms": forms,
    }
