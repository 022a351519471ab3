"""HTTP routes of the province view (issue 11): reads across every agency, for the province admin
only (any other role is refused, whatever its agency)."""

import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from kinerja_runtime.inputs import PeriodYear

from target_service.entrypoints.deps import ProvinceAdmin, Uow
from target_service.service_layer import province

router = APIRouter(prefix="/province", tags=["province"])
OnDay = Annotated[
    datetime.date | None,
    Query(
        ge=datetime.date(2000, 1, 1),
        le=datetime.date(2100, 12, 31),
        description="as of the end of this day (YYYY-MM-DD); default today",
    ),
]


@router.get(
    "/skp-progress",
    summary="Per agency: employees on the roster and the year's SKPs drafted, submitted and approved "
    "as of a date, the deadline view (province admin)",
)
async def skp_progress(
    principal: ProvinceAdmin,
    uow: Uow,
    year: PeriodYear,
    on: OnDay = None,
):
    return await province.skp_progress(uow, year, on)
