"""HTTP routes of the citizen satisfaction survey: public (no login) and HR's report."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status
from kinerja_contracts.vocabulary import SkmElement
from kinerja_runtime.inputs import RequestBody
from kinerja_runtime.spreadsheets import xlsx_filename
from kinerja_runtime.uploads import XLSX_RESPONSES, xlsx_response
from pydantic import Field

from feedback_service.entrypoints.deps import HR, AgencyPath, OptionalPeriodQuery, UnitPath, Uow
from feedback_service.entrypoints.rate_limited import RateLimitedRoute, public_rate_limits
from feedback_service.service_layer import surveys

public_router = APIRouter(
    prefix="/public/agencies/{agency_id}/units/{unit_id}",
    tags=["citizen survey (public)"],
    route_class=RateLimitedRoute,
)
router = APIRouter(tags=["citizen survey"])
Score = Annotated[int, Field(ge=1, le=4)]


class SurveyAnswerIn(RequestBody):
    submission_id: uuid.UUID = Field(description="made once per filled-in form by the client; a repeat is refused")
    elements: dict[SkmElement, Score] = Field(
        min_length=len(SkmElement),
        max_length=len(SkmElement),
        description="a score 1-4 for each of the nine SKM elements",
    )
    officer_nip: str | None = Field(None, pattern=r"^\d{18}$", description="the officer who served, if named")
    comment: str | None = Field(None, max_length=500)


@public_router.post(
    "/survey-answers",
    status_code=status.HTTP_201_CREATED,
    summary="Answer a public-service unit's satisfaction survey (no login; rate-limited)",
    responses={
        409: {"description": "duplicate submission or no open period"},
        413: {"description": "body too large"},
        429: {"description": "rate limit, or the officer was rated from this client today"},
        503: {"description": "the shared store of the rate limits does not answer"},
    },
)
async def answer(agency_id: AgencyPath, unit_id: UnitPath, body: SurveyAnswerIn, uow: Uow, request: Request):
    guard = public_rate_limits(request)
    client = guard.client_of(request)

    async def officer_cap(officer_nip: str) -> None:
        await guard.check(guard.limits.officer_ratings, client, officer_nip, what="answers naming one officer")

    return await surveys.answer_survey(
        uow,
        agency_id=agency_id,
        unit_id=unit_id,
        submission_id=str(body.submission_id),
        elements=body.elements,
        officer_nip=body.officer_nip,
        comment=body.comment,
        officer_cap=officer_cap,
    )


@public_router.get("/satisfaction", summary="A public-service unit's IKM and mutu (no login)")
async def public_summary(agency_id: AgencyPath, unit_id: UnitPath, uow: Uow, period_id: OptionalPeriodQuery = None):
    return await surveys.public_summary(uow, agency_id=agency_id, unit_id=unit_id, period_id=period_id)


@router.get("/units/{unit_id}/satisfaction", summary="A unit's IKM, mutu and citizen comments (HR)")
async def unit_report(
    unit_id: UnitPath,
    principal: HR,
    uow: Uow,
    period_id: OptionalPeriodQuery = None,
):
    return await surveys.unit_report(uow, agency_id=principal.agency, unit_id=unit_id, period_id=period_id)


@router.get(
    "/units/{unit_id}/satisfaction/export.xlsx",
    summary="A unit's IKM per SKM element and the citizens' latest comments as an Excel workbook (HR)",
    responses=XLSX_RESPONSES,
)
async def unit_report_export(
    unit_id: UnitPath,
    principal: HR,
    uow: Uow,
    period_id: OptionalPeriodQuery = None,
):
    data = await surveys.unit_report_workbook(uow, agency_id=principal.agency, unit_id=unit_id, period_id=period_id)
    return xlsx_response(data, xlsx_filename("ikm", unit_id, period_id or ""))
