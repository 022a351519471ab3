"""HTTP routes of objections (keberatan): filed by the employee, decided by the appraiser's superior."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role, current_principal
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.inputs import Offset, RequestBody, page_limit
from kinerja_runtime.uow import UnitOfWork
from pydantic import Field
from sqlalchemy import or_, select
from starlette.status import HTTP_201_CREATED

from appraisal_service.adapters import records
from appraisal_service.adapters.orm import objections
from appraisal_service.domain import Outcome
from appraisal_service.entrypoints.clock import today
from appraisal_service.service_layer import views
from appraisal_service.service_layer.objections import decide_objection, file_objection
from appraisal_service.service_layer.refusals import no_objection

router = APIRouter(tags=["objections"])

Anyone = Annotated[Principal, Depends(current_principal)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
Today = Annotated[date, Depends(today)]


class ObjectionBody(RequestBody):
    reasons: str = Field(min_length=1, max_length=5000, pattern=r"\S")


class DecisionBody(RequestBody):
    """``changed`` needs at least one new rating; an omitted rating stays as it was."""

    outcome: Outcome
    reason: str = Field(min_length=1, max_length=5000, pattern=r"\S")
    rating_hasil_kerja: Ekspektasi | None = None
    rating_perilaku: Ekspektasi | None = None


@router.post(
    "/appraisals/{appraisal_id}/objections",
    status_code=HTTP_201_CREATED,
    summary="Object to my final result within 14 days (employee)",
)
async def object_to(appraisal_id: str, body: ObjectionBody, principal: Anyone, uow: Uow, day: Today):
    async with uow:
        filed = await file_objection(uow, principal.agency, appraisal_id, principal.nip, body.reasons.strip(), day)
        await uow.commit()
    return filed


@router.post("/objections/{objection_id}/decision", summary="Uphold or change the result (the appraiser's superior)")
async def decide(objection_id: str, body: DecisionBody, principal: Anyone, uow: Uow, day: Today):
    async with uow:
        decided = await decide_objection(
            uow,
            principal.agency,
            objection_id,
            principal.nip,
            day,
            body.outcome,
            body.reason.strip(),
            body.rating_hasil_kerja,
            body.rating_perilaku,
        )
        await uow.commit()
    return decided


@router.get("/objections", summary="A page of the objections I filed or must decide (HR: all), oldest first")
async def list_objections(
    principal: Anyone,
    uow: Uow,
    status: Literal["open", "upheld", "changed"] | None = None,
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    query = select(objections).where(objections.c.agency_id == principal.agency)
    if not principal.has(Role.HR):
        query = query.where(or_(objections.c.nip == principal.nip, objections.c.superior_nip == principal.nip))
    if status:
        query = query.where(objections.c.status == status)
    async with uow:
        # One row past the page tells whether there is a next one.
        rows = (
            await uow.session.execute(
                query.order_by(objections.c.filed_at, objections.c.objection_id).limit(limit + 1).offset(offset)
            )
        ).all()
        await access_log.record_reads(uow, [(Kind.OBJECTION, r.objection_id, r.nip) for r in rows[:limit]])
    return {
        "objections": [views.objection(r) for r in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/objections/{objection_id}", summary="One objection")
async def read_objection(objection_id: str, principal: Anyone, uow: Uow):
    async with uow:
        row = await records.objection(uow.session, principal.agency, objection_id)
        if row is None or (principal.nip not in (row.nip, row.superior_nip) and not principal.has(Role.HR)):
            raise no_objection()
        await access_log.record_read(uow, Kind.OBJECTION, row.objection_id, row.nip)
    return views.objection(row)
