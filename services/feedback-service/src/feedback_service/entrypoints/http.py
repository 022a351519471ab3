"""HTTP routes of feedback-service shared by all feedback: thin — parse, authorise, call a handler."""

from typing import Annotated

from fastapi import APIRouter, Depends
from kinerja_runtime.auth import Principal, Role, current_principal
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.uow import UnitOfWork
from pydantic import Field

from feedback_service.domain.model import Giver
from feedback_service.entrypoints.params import NipPath, PeriodPath, PeriodQuery
from feedback_service.service_layer import rounds
from feedback_service.service_layer.periods import period_checkpoints

router = APIRouter(tags=["feedback"])
NipField = Field(pattern=r"^\d{18}$", description="18-digit NIP")
Caller = Annotated[Principal, Depends(current_principal)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


def as_giver(principal: Principal) -> Giver:
    return Giver(nip=principal.nip, is_hr=principal.has(Role.HR))


@router.get("/employees/{nip}/feedback", summary="An employee's feedback in a period, per round, anonymised")
async def period_feedback(nip: NipPath, period_id: PeriodQuery, principal: Caller, uow: Uow):
    return await rounds.period_feedback(
        uow,
        agency_id=principal.agency,
        period_id=period_id,
        nip=nip,
        caller=as_giver(principal),
    )


@router.get("/periods/{period_id}/checkpoints", summary="The period's checkpoints a feedback round can evaluate")
async def checkpoints(period_id: PeriodPath, principal: Caller, uow: Uow):
    async with uow:
        found = await period_checkpoints(uow.session, principal.agency, period_id)
    return {"period_id": period_id, "checkpoints": found}
