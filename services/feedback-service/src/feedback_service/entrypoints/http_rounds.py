"""HTTP routes of feedback rounds."""

from fastapi import APIRouter, Response, status
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime.inputs import RequestBody
from pydantic import Field

from feedback_service.domain.rounds import Nomination
from feedback_service.entrypoints.deps import Caller, NipField, RoundPath, Uow, as_giver
from feedback_service.service_layer import rounds

router = APIRouter(prefix="/feedback-rounds", tags=["feedback rounds"])


class GiverIn(RequestBody):
    nip: str = NipField
    source: FeedbackSource


class RoundIn(RequestBody):
    nip: str = NipField
    period_id: str = Field(min_length=1, max_length=64)
    checkpoint_id: str | None = Field(
        None, min_length=1, max_length=128, description="one of the period's checkpoints; empty if it has none"
    )
    givers: list[GiverIn] = Field(
        min_length=1, max_length=50, description="who answers: the employee as 'self', the appraiser as 'appraiser'"
    )


class AnswerIn(RequestBody):
    ratings: dict[BerakhlakValue, Ekspektasi] = Field(description="one level for each of the seven BerAKHLAK values")
    comment: str | None = Field(None, max_length=2000)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Open a round and name its givers (HR or appraiser)")
async def open_round(body: RoundIn, principal: Caller, uow: Uow):
    return await rounds.open_round(
        uow,
        agency_id=principal.agency,
        caller=as_giver(principal),
        nip=body.nip,
        period_id=body.period_id,
        checkpoint_id=body.checkpoint_id,
        nominations=[Nomination(g.nip, g.source) for g in body.givers],
    )


@router.get("/assigned", summary="The open rounds the caller was named to answer")
async def assigned(principal: Caller, uow: Uow):
    return {"rounds": await rounds.assigned_rounds(uow, agency_id=principal.agency, giver_nip=principal.nip)}


@router.get("/{round_id}", summary="A round's status and counts per giver kind (HR or appraiser)")
async def summary(round_id: RoundPath, principal: Caller, uow: Uow):
    return await rounds.round_summary(uow, agency_id=principal.agency, round_id=round_id, caller=as_giver(principal))


@router.put(
    "/{round_id}/answer",
    summary="Give, or replace, the caller's own answer (named givers only)",
    responses={201: {"description": "first answer"}, 200: {"description": "answer replaced"}},
)
async def answer(round_id: RoundPath, body: AnswerIn, principal: Caller, uow: Uow, response: Response):
    result = await rounds.answer_round(
        uow,
        agency_id=principal.agency,
        round_id=round_id,
        giver_nip=principal.nip,
        ratings=body.ratings,
        comment=body.comment,
    )
    response.status_code = status.HTTP_200_OK if result["replaced"] else status.HTTP_201_CREATED
    return result


@router.post("/{round_id}/close", summary="Close the round: no more answers or changes (HR or appraiser)")
async def close(round_id: RoundPath, principal: Caller, uow: Uow):
    return await rounds.close_round(uow, agency_id=principal.agency, round_id=round_id, caller=as_giver(principal))


@router.get("/{round_id}/results", summary="The round's answers as the reader may see them (anonymised)")
async def results(round_id: RoundPath, principal: Caller, uow: Uow):
    return await rounds.round_results(uow, agency_id=principal.agency, round_id=round_id, caller=as_giver(principal))
