"""HTTP routes of appraisal-service: proposals, confirmation and reading appraisals."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log, roster
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.inputs import Offset, RequestBody, page_limit
from kinerja_runtime.uow import UnitOfWork
from pydantic import Field
from sqlalchemy import select

from appraisal_service.adapters import projections, records
from appraisal_service.adapters.orm import appraisals, appraisals_due
from appraisal_service.entrypoints.clock import today
from appraisal_service.service_layer import views
from appraisal_service.service_layer.appraise import propose_appraisal
from appraisal_service.service_layer.confirm import confirm
from appraisal_service.service_layer.periodic import propose_for_checkpoint
from appraisal_service.service_layer.refusals import no_appraisal, no_employee

router = APIRouter(tags=["appraisals"])

Hr = Annotated[Principal, Depends(require_roles(Role.HR))]
Anyone = Annotated[Principal, Depends(current_principal)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


class ConfirmBody(RequestBody):
    """Omitted ratings accept the proposal; a differing rating needs ``reason``."""

    rating_hasil_kerja: Ekspektasi | None = None
    rating_perilaku: Ekspektasi | None = None
    reason: str | None = Field(None, max_length=2000)


@router.post(
    "/periods/{period_id}/employees/{nip}/appraisal", summary="Propose one employee's annual appraisal now (HR)"
)
async def propose_now(period_id: str, nip: str, principal: Hr, uow: Uow):
    async with uow:
        await roster.period(uow.session, principal.agency, period_id)
        appraisal, _ = await propose_appraisal(uow, principal.agency, period_id, nip)
        await uow.commit()
    return appraisal


@router.post(
    "/periods/{period_id}/checkpoints/{checkpoint_id}/appraisals",
    summary="Propose the periodic appraisal of every employee with an approved SKP (HR)",
)
async def propose_periodic(
    period_id: str,
    checkpoint_id: str,
    principal: Hr,
    uow: Uow,
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    """Counts what was proposed and lists a page of the employees skipped, with why."""
    async with uow:
        await roster.period(uow.session, principal.agency, period_id)
        report = await propose_for_checkpoint(uow, principal.agency, period_id, checkpoint_id, limit, offset)
        await uow.commit()
    return report


@router.post("/appraisals/{appraisal_id}/confirm", summary="The appraiser confirms or overrides a proposal")
async def confirm_proposal(
    appraisal_id: str,
    body: ConfirmBody,
    principal: Anyone,
    uow: Uow,
    day: Annotated[date, Depends(today)],
):
    async with uow:
        result = await confirm(
            uow,
            principal.agency,
            appraisal_id,
            principal.nip,
            day,
            body.rating_hasil_kerja,
            body.rating_perilaku,
            body.reason,
        )
        await uow.commit()
    return result


async def _detail(uow: UnitOfWork, principal: Principal, row) -> dict:
    """The appraisal with how it was reached, its revisions and objections; to outsiders
    exactly the answer to a missing appraisal."""
    appraiser_now = await records.current_appraiser(uow.session, principal.agency, row.nip)
    lineage = await records.lineage(uow.session, row)
    objected = await records.objections_on(uow.session, principal.agency, [r.appraisal_id for r in lineage])
    readers = {row.nip, appraiser_now, *(r.appraiser_nip for r in lineage), *(o.superior_nip for o in objected)} - {
        None
    }
    if principal.nip not in readers and not principal.has(Role.HR):
        raise no_appraisal()
    # Every reader gets the same explanation: only publishable evidence is stored (domain/anonymity.py).
    body = views.appraisal(row, with_explanation=True)
    await access_log.record_read(uow, Kind.APPRAISAL, row.appraisal_id, row.nip)
    return {
        **body,
        "revisions": [views.appraisal(r) for r in lineage],
        "objections": [views.objection(o) for o in objected],
    }


@router.get("/appraisals/{appraisal_id}", summary="One appraisal (any revision) and how it was reached")
async def read_by_id(appraisal_id: str, principal: Anyone, uow: Uow):
    async with uow:
        row = await records.get(uow.session, principal.agency, appraisal_id)
        if row is None:
            raise no_appraisal()
        return await _detail(uow, principal, row)


@router.get(
    "/periods/{period_id}/employees/{nip}/appraisal",
    summary="An employee's current annual (or checkpoint) appraisal and how it was reached",
)
async def read_one(period_id: str, nip: str, principal: Anyone, uow: Uow, checkpoint_id: str | None = None):
    async with uow:
        row = await records.latest_in_scope(
            uow.session, principal.agency, period_id, nip, records.scope_of(checkpoint_id)
        )
        if row is None:
            raise no_appraisal()
        return await _detail(uow, principal, row)


@router.get("/me/appraisals", summary="My appraisals in a period: annual and periodic, every revision")
async def read_mine(period_id: str, principal: Anyone, uow: Uow):
    async with uow:
        rows = (
            await uow.session.execute(
                select(appraisals)
                .where(
                    appraisals.c.agency_id == principal.agency,
                    appraisals.c.period_id == period_id,
                    appraisals.c.nip == principal.nip,
                )
                .order_by(appraisals.c.scope, appraisals.c.revision)
            )
        ).all()
        await access_log.record_reads(uow, [(Kind.APPRAISAL, r.appraisal_id, r.nip) for r in rows])
    return {"period_id": period_id, "nip": principal.nip, "appraisals": [views.appraisal(r) for r in rows]}


@router.get("/periods/{period_id}/appraisals", summary="A period's appraisals: all (HR) or my team's (appraiser)")
async def read_period(
    period_id: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))],
    uow: Uow,
    kind: Literal["annual", "periodic"] = "annual",
    checkpoint_id: str | None = None,
    status: Literal["proposed", "final", "superseded"] | None = Query(None, description="Default: current results"),
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    """A page of appraisals by NIP; for HR the same page of the queue rows not completed."""
    query = select(appraisals).where(
        appraisals.c.agency_id == principal.agency,
        appraisals.c.period_id == period_id,
        appraisals.c.kind == kind,
        appraisals.c.status.in_([status] if status else records.CURRENT),
    )
    if checkpoint_id is not None:
        query = query.where(appraisals.c.checkpoint_id == checkpoint_id)
    if not principal.has(Role.HR):
        query = query.where(
            appraisals.c.nip.in_(
                select(roster.known_employees.c.nip).where(
                    roster.known_employees.c.agency_id == principal.agency,
                    roster.known_employees.c.appraiser_nip == principal.nip,
                )
            )
        )
    async with uow:
        # One row past the page tells whether there is a next one.
        rows = (
            await uow.session.execute(
                query.order_by(appraisals.c.nip, appraisals.c.scope, appraisals.c.revision)
                .limit(limit + 1)
                .offset(offset)
            )
        ).all()
        pending = []
        if principal.has(Role.HR):
            pending = (
                await uow.session.execute(
                    select(appraisals_due.c.nip, appraisals_due.c.status, appraisals_due.c.note)
                    .where(
                        appraisals_due.c.agency_id == principal.agency,
                        appraisals_due.c.period_id == period_id,
                        appraisals_due.c.status != "done",
                    )
                    .order_by(appraisals_due.c.nip)
                    .limit(limit + 1)
                    .offset(offset)
                )
            ).all()
        await access_log.record_reads(uow, [(Kind.APPRAISAL, r.appraisal_id, r.nip) for r in rows[:limit]])
    more = len(rows) > limit or len(pending) > limit
    return {
        "period_id": period_id,
        "appraisals": [views.appraisal(r) for r in rows[:limit]],
        "not_completed": [dict(r._mapping) for r in pending[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


@router.get(
    "/periods/{period_id}/employees/{nip}/inputs", summary="What this service knows of an employee's year so far"
)
async def read_inputs(
    period_id: str,
    nip: str,
    principal: Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))],
    uow: Uow,
):
    async with uow:
        # Outside the appraiser's team the employee reads as unknown, word for word.
        employee = (await projections.employees_of(uow.session, [(principal.agency, nip)])).get((principal.agency, nip))
        if employee is None or not (principal.has(Role.HR) or employee.appraiser_nip == principal.nip):
            raise no_employee()
        target = await projections.target_of(uow.session, principal.agency, period_id, nip)
        realizations = await projections.realization_count(uow.session, target.skp_id) if target else 0
        _answers, forms = await projections.feedback_of(uow.session, principal.agency, period_id, nip)
        await access_log.record_read(uow, Kind.APPRAISAL_INPUTS, period_id, nip)
    return {
        "nip": nip,
        "period_id": period_id,
        "skp_id": target.skp_id if target else None,
        "skp_version": target.version if target else None,
        "realizations": realizations,
        "feedback_forms": forms,
    }
