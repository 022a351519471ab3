"""HTTP routes of feedback-service shared by all feedback: thin — parse, authorise, call a use case."""

from fastapi import APIRouter

from feedback_service.entrypoints.deps import Caller, NipPath, PeriodPath, PeriodQuery, Uow, as_giver
from feedback_service.service_layer import periods, rounds

router = APIRouter(tags=["feedback"])


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
    return await periods.period_checkpoints(uow, agency_id=principal.agency, period_id=period_id)
