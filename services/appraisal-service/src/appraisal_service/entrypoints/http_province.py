"""HTTP routes of the province view (issue 11): reads across every agency, for the province admin
only (any other role is refused, whatever its agency)."""

from fastapi import APIRouter
from kinerja_runtime.inputs import PeriodYear

from appraisal_service.entrypoints.deps import ProvinceAdmin, Uow
from appraisal_service.service_layer import province

router = APIRouter(prefix="/province", tags=["province"])


@router.get(
    "/predikat-distribution",
    summary="Per agency: final annual predikat by category against the agency's organisation predikat "
    "and the SE MenPANRB 3/2023 curve, with violations (province admin)",
)
async def predikat_distribution(principal: ProvinceAdmin, uow: Uow, year: PeriodYear):
    return await province.predikat_distribution(uow, year)


@router.get(
    "/objections",
    summary="Per agency: objections filed, open and decided, by outcome (province admin)",
)
async def objections(principal: ProvinceAdmin, uow: Uow, year: PeriodYear):
    return await province.objections(uow, year)
