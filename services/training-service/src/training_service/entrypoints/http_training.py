"""HTTP routes for working through a plan, recording completed training, and reviewing
training an employee claimed for themselves."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BeforeValidator, Field

from training_service.entrypoints.deps import Caller, EmployeeNip, Id, Strict, Uow, not_a_number
from training_service.service_layer import claims, training

router = APIRouter(tags=["development"])

CompletedOn = Annotated[
    date,
    BeforeValidator(not_a_number),
    Field(
        description="the day it was completed (YYYY-MM-DD); not in the future, and for training outside a plan "
        "not before 1 January of last year"
    ),
]


class CompletionIn(Strict):
    evidence: str = Field(min_length=1, max_length=500, description="certificate number, link or document id")
    completed_on: CompletedOn


class OutsidePlanIn(Strict):
    catalogue_code: str | None = Field(None, min_length=1, max_length=64, description="when it is a catalogue item")
    title: str | None = Field(None, min_length=1, max_length=300, description="default: the catalogue item's title")
    jp: int | None = Field(None, gt=0, le=400, description="default: the catalogue item's JP")
    evidence: str = Field(min_length=1, max_length=500, description="certificate number, link or document id")
    completed_on: CompletedOn


class RejectionIn(Strict):
    reason: str = Field(min_length=1, max_length=500, description="why the claim does not count, for the employee")


@router.post(
    "/plans/{plan_id}/items/{item_id}/enrol", summary="Enrol in a plan item (the employee, their current appraiser, HR)"
)
async def enrol(plan_id: Id, item_id: Id, principal: Caller, uow: Uow):
    return await training.enrol(uow, principal, plan_id, item_id)


@router.post(
    "/plans/{plan_id}/items/{item_id}/complete",
    summary="Complete a plan item with evidence; its JP go to the ledger -> TrainingCompleted "
    "(the employee, their current appraiser, HR)",
)
async def complete(plan_id: Id, item_id: Id, body: CompletionIn, principal: Caller, uow: Uow):
    return await training.complete(
        uow, principal, plan_id, item_id, evidence=body.evidence, completed_on=body.completed_on
    )


@router.post(
    "/employees/{nip}/jp-ledger",
    status_code=status.HTTP_201_CREATED,
    summary="Record training completed outside any plan: the employee's own record is a claim until "
    "HR or their appraiser verifies it; HR's record counts at once -> TrainingCompleted "
    "(the employee, HR)",
)
async def record_outside_plan(nip: EmployeeNip, body: OutsidePlanIn, principal: Caller, uow: Uow):
    return await training.record_outside_plan(
        uow,
        principal,
        nip,
        catalogue_code=body.catalogue_code,
        title=body.title,
        jp=body.jp,
        evidence=body.evidence,
        completed_on=body.completed_on,
    )


@router.post(
    "/employees/{nip}/jp-ledger/{entry_id}/verify",
    summary="Verify claimed training: its JP count from now on -> TrainingCompleted "
    "(HR or the employee's current appraiser, never the employee)",
)
async def verify_claim(nip: EmployeeNip, entry_id: Id, principal: Caller, uow: Uow):
    return await claims.verify(uow, principal, nip, entry_id)


@router.post(
    "/employees/{nip}/jp-ledger/{entry_id}/reject",
    summary="Reject claimed training with a reason: its JP never count "
    "(HR or the employee's current appraiser, never the employee)",
)
async def reject_claim(nip: EmployeeNip, entry_id: Id, body: RejectionIn, principal: Caller, uow: Uow):
    return await claims.reject(uow, principal, nip, entry_id, body.reason)
