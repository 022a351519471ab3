"""HTTP routes for working through a plan and recording completed training."""

from datetime import date

from fastapi import APIRouter, status
from pydantic import Field

from training_service.entrypoints.deps import Caller, Now, Strict, Today, Uow
from training_service.service_layer import training

router = APIRouter(tags=["development"])


class CompletionIn(Strict):
    evidence: str = Field(min_length=1, max_length=500, description="certificate number, link or document id")
    completed_on: date


class OutsidePlanIn(Strict):
    catalogue_code: str | None = Field(None, min_length=1, max_length=64, description="when it is a catalogue item")
    title: str | None = Field(None, min_length=1, max_length=300, description="default: the catalogue item's title")
    jp: int | None = Field(None, gt=0, le=400, description="default: the catalogue item's JP")
    evidence: str = Field(min_length=1, max_length=500, description="certificate number, link or document id")
    completed_on: date


@router.post("/plans/{plan_id}/items/{item_id}/enrol",
             summary="Enrol in a plan item (the employee, their mentor, HR)")
async def enrol(plan_id: str, item_id: str, principal: Caller, uow: Uow, now: Now):
    return await training.enrol(uow, principal, plan_id, item_id, now)


@router.post("/plans/{plan_id}/items/{item_id}/complete",
             summary="Complete a plan item with evidence; its JP go to the ledger -> TrainingCompleted "
                     "(the employee, their mentor, HR)")
async def complete(plan_id: str, item_id: str, body: CompletionIn, principal: Caller, uow: Uow, now: Now,
                   today: Today):
    return await training.complete(uow, principal, plan_id, item_id, evidence=body.evidence,
                                   completed_on=body.completed_on, today=today, now=now)


@router.post("/employees/{nip}/jp-ledger", status_code=status.HTTP_201_CREATED,
             summary="Record training completed outside any plan -> TrainingCompleted (the employee, HR)")
async def record_outside_plan(nip: str, body: OutsidePlanIn, principal: Caller, uow: Uow, now: Now, today: Today):
    return await training.record_outside_plan(
        uow, principal, nip, catalogue_code=body.catalogue_code, title=body.title, jp=body.jp,
        evidence=body.evidence, completed_on=body.completed_on, today=today, now=now,
    )
