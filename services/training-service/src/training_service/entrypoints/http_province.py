"""HTTP routes of the province view (issue 11): reads across every agency, for the province admin
only (any other role is refused, whatever its agency)."""

from fastapi import APIRouter
from kinerja_runtime.inputs import Offset, PeriodYear, page_limit

from training_service.entrypoints.deps import ProvinceAdmin, Uow
from training_service.service_layer import province

router = APIRouter(prefix="/province", tags=["province"])


@router.get(
    "/development",
    summary="Per agency: the year's development plans by status and the employees with their 20 JP (province admin)",
)
async def development(principal: ProvinceAdmin, uow: Uow, year: PeriodYear):
    return await province.development(uow, year)


@router.get(
    "/talent-pool",
    summary="A page of the year's talent-pool nominations across agencies, with names (province admin)",
)
async def talent_pool(
    principal: ProvinceAdmin, uow: Uow, year: PeriodYear, limit: page_limit(500) = 200, offset: Offset = 0
):
    return await province.talent_pool(uow, year, limit, offset)
