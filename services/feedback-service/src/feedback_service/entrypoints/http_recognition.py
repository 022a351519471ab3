"""HTTP routes of recognition: a checkpoint's candidates, recording a recognition, reading them."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from kinerja_contracts.limits import RECOGNITION_REASON_MAX
from kinerja_contracts.vocabulary import RecognitionKind
from kinerja_runtime.inputs import RequestBody
from pydantic import Field

from feedback_service.entrypoints.deps import Caller, HrOrAppraiser, NipField, NipPath, PeriodQuery, Uow, as_giver
from feedback_service.service_layer import recognition

router = APIRouter(tags=["recognition"])

CheckpointQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=128, description="one of the period's checkpoints; empty if it has none"),
]


class RecognitionIn(RequestBody):
    nip: str = NipField
    period_id: str = Field(min_length=1, max_length=64)
    checkpoint_id: str | None = Field(
        None, min_length=1, max_length=128, description="one of the period's checkpoints; empty for the whole period"
    )
    kind: RecognitionKind = Field(description="citizen_rating (a candidate of the checkpoint) or leader")
    reason: str = Field(min_length=1, max_length=RECOGNITION_REASON_MAX, description="why the employee is recognised")


@router.get(
    "/recognition/candidates",
    summary="Officers citizens rated in the top band in a checkpoint, best first (HR; an appraiser: their team)",
)
async def candidates(principal: HrOrAppraiser, uow: Uow, period_id: PeriodQuery, checkpoint_id: CheckpointQuery = None):
    return await recognition.candidates(
        uow, agency_id=principal.agency, caller=as_giver(principal), period_id=period_id, checkpoint_id=checkpoint_id
    )


@router.post(
    "/recognitions",
    status_code=status.HTTP_201_CREATED,
    summary="Recognise an employee (HR or the employee's appraiser); publishes RecognitionGiven",
    responses={409: {"description": "the employee already has a recognition of this kind for the checkpoint"}},
)
async def record(body: RecognitionIn, principal: Caller, uow: Uow):
    return await recognition.record_recognition(
        uow,
        agency_id=principal.agency,
        caller=as_giver(principal),
        nip=body.nip,
        period_id=body.period_id,
        checkpoint_id=body.checkpoint_id,
        kind=body.kind,
        reason=body.reason,
    )


@router.get("/employees/{nip}/recognitions", summary="An employee's recognitions (the employee, appraiser or HR)")
async def of_employee(nip: NipPath, principal: Caller, uow: Uow):
    return await recognition.recognitions_of(uow, agency_id=principal.agency, caller=as_giver(principal), nip=nip)


@router.get("/me/recognitions", summary="The caller's own recognitions")
async def mine(principal: Caller, uow: Uow):
    return await recognition.my_recognitions(uow, agency_id=principal.agency, nip=principal.nip)
