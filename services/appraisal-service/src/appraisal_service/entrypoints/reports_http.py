"""HTTP routes of calibration and distribution reports (HR)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from kinerja_runtime import roster
from kinerja_runtime.auth import Principal, Role, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.inputs import RequestBody
from kinerja_runtime.uow import UnitOfWork

from appraisal_service.domain import OrganisationPredikat
from appraisal_service.service_layer.reports import calibration, distribution

router = APIRouter(tags=["calibration"])
Hr = Annotated[Principal, Depends(require_roles(Role.HR))]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]


class CalibrationBody(RequestBody):
    # "cukup" is accepted as the other name of butuh_perbaikan.
    organisation_predikat: OrganisationPredikat
    unit_id: str | None = None
    include_proposals: bool = True


@router.post(
    "/periods/{period_id}/calibration",
    summary="Check the employees' predikat against the organisation's own (SE MenPANRB 3/2023)",
)
async def calibrate(period_id: str, body: CalibrationBody, principal: Hr, uow: Uow):
    async with uow:
        await roster.period(uow.session, principal.agency, period_id)
        return await calibration(
            uow, principal.agency, period_id, body.organisation_predikat, body.unit_id, body.include_proposals
        )


@router.get("/periods/{period_id}/distribution", summary="The agency's predikat distribution per unit (HR)")
async def read_distribution(period_id: str, principal: Hr, uow: Uow, include_proposals: bool = True):
    async with uow:
        await roster.period(uow.session, principal.agency, period_id)
        return await distribution(uow, principal.agency, period_id, include_proposals)
