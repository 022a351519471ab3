"""HTTP routes of feedback-service: thin — parse, authorise, call a handler."""

from typing import Annotated

from fastapi import APIRouter, Depends, status
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime.auth import Principal, Role, current_principal
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.problems import Forbidden
from kinerja_runtime.uow import UnitOfWork
from pydantic import BaseModel, ConfigDict, Field

from feedback_service.domain.model import Giver
from feedback_service.service_layer import handlers

router = APIRouter(tags=["feedback"])
NipField = Field(pattern=r"^\d{18}$", description="18-digit NIP")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nip: str = NipField
    period_id: str = Field(min_length=1, max_length=64)
    source: FeedbackSource
    ratings: dict[BerakhlakValue, Ekspektasi] = Field(description="one level for each of the seven BerAKHLAK values")
    comment: str | None = Field(None, max_length=2000)


class FeedbackCreated(BaseModel):
    feedback_id: str


@router.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackCreated)
async def submit(
    body: FeedbackIn,
    principal: Annotated[Principal, Depends(current_principal)],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    giver = Giver(nip=principal.nip, is_hr=principal.has(Role.HR))
    feedback_id = await handlers.submit_feedback(
        uow, agency_id=principal.agency, period_id=body.period_id, nip=body.nip, source=body.source,
        ratings=body.ratings, giver=giver, comment=body.comment,
    )
    return FeedbackCreated(feedback_id=feedback_id)


@router.get("/employees/{nip}/feedback", summary="Aggregated feedback about an employee in a period")
async def summary(
    nip: str,
    period_id: str,
    principal: Annotated[Principal, Depends(current_principal)],
    uow: Annotated[UnitOfWork, Depends(unit_of_work)],
):
    if not principal.has(Role.HR, Role.APPRAISER) and principal.nip != nip:
        raise Forbidden("only the employee, an appraiser or HR may read this feedback")
    return await handlers.feedback_summary(uow, agency_id=principal.agency, period_id=period_id, nip=nip)
