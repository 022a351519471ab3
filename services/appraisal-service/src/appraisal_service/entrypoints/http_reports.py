"""HTTP routes of calibration and distribution reports (HR)."""

from fastapi import APIRouter
from kinerja_runtime.inputs import RequestBody

from appraisal_service.domain import OrganisationPredikat
from appraisal_service.entrypoints.deps import HR, Uow
from appraisal_service.service_layer.reports import calibration, distribution, record_organisation_predikat

router = APIRouter(tags=["calibration"])


class CalibrationBody(RequestBody):
    # "cukup" is accepted as the other name of butuh_perbaikan.
    organisation_predikat: OrganisationPredikat
    unit_id: str | None = None
    include_proposals: bool = True


@router.post(
    "/periods/{period_id}/calibration",
    summary="Check the employees' predikat against the organisation's own (SE MenPANRB 3/2023)",
)
async def calibrate(period_id: str, body: CalibrationBody, principal: HR, uow: Uow):
    return await calibration(
        uow, principal.agency, period_id, body.organisation_predikat, body.unit_id, body.include_proposals
    )


class OrganisationPredikatBody(RequestBody):
    # "cukup" is accepted as the other name of butuh_perbaikan.
    organisation_predikat: OrganisationPredikat


@router.put(
    "/periods/{period_id}/organisation-predikat",
    summary="Record the agency's own predikat of the period (its performance evaluation's result), "
    "the curve the province view calibrates it against (HR)",
)
async def put_organisation_predikat(period_id: str, body: OrganisationPredikatBody, principal: HR, uow: Uow):
    return await record_organisation_predikat(
        uow, principal.agency, period_id, body.organisation_predikat, principal.nip
    )


@router.get("/periods/{period_id}/distribution", summary="The agency's predikat distribution per unit (HR)")
async def read_distribution(period_id: str, principal: HR, uow: Uow, include_proposals: bool = True):
    return await distribution(uow, principal.agency, period_id, include_proposals)
