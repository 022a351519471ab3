"""HTTP routes of objections (keberatan): filed by the employee, decided by the appraiser's superior."""

from typing import Literal

from fastapi import APIRouter
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime.auth import Role
from kinerja_runtime.inputs import Offset, RequestBody, page_limit
from pydantic import Field
from starlette.status import HTTP_201_CREATED

from appraisal_service.domain import Outcome
from appraisal_service.entrypoints.deps import Caller, FixedDay, Uow
from appraisal_service.service_layer import objections

router = APIRouter(tags=["objections"])


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
async def object_to(appraisal_id: str, body: ObjectionBody, principal: Caller, uow: Uow, day: FixedDay):
    return await objections.file_objection(
        uow, principal.agency, appraisal_id, principal.nip, body.reasons.strip(), day
    )


@router.post("/objections/{objection_id}/decision", summary="Uphold or change the result (the appraiser's superior)")
async def decide(objection_id: str, body: DecisionBody, principal: Caller, uow: Uow, day: FixedDay):
    return await objections.decide_objection(
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


@router.get("/objections", summary="A page of the objections I filed or must decide (HR: all), oldest first")
async def list_objections(
    principal: Caller,
    uow: Uow,
    status: Literal["open", "upheld", "changed"] | None = None,
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    return await objections.objection_page(
        uow, principal.agency, principal.nip, principal.has(Role.HR), status, limit, offset
    )


@router.get("/objections/{objection_id}", summary="One objection")
async def read_objection(objection_id: str, principal: Caller, uow: Uow):
    return await objections.objection_by_id(uow, principal.agency, objection_id, principal.nip, principal.has(Role.HR))
