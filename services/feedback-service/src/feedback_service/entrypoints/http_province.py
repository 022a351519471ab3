"""HTTP routes of the province view (issue 11): reads across every agency, for the province admin
only (any other role is refused, whatever its agency)."""

from fastapi import APIRouter
from kinerja_runtime.inputs import Offset, PeriodYear, page_limit

from feedback_service.entrypoints.deps import ProvinceAdmin, Uow
from feedback_service.service_layer import province

router = APIRouter(prefix="/province", tags=["province"])


@router.get(
    "/satisfaction",
    summary="A page of every agency's public-service units with their IKM and mutu of the year (province admin)",
)
async def satisfaction(
    principal: ProvinceAdmin, uow: Uow, year: PeriodYear, limit: page_limit(500) = 200, offset: Offset = 0
):
    return await province.satisfaction(uow, year, limit, offset)
