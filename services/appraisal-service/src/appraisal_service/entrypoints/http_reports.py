"""HTTP routes of calibration and distribution reports (HR), and the distribution as .xlsx."""

from typing import Annotated

from fastapi import APIRouter, Query
from kinerja_runtime.inputs import RequestBody
from kinerja_runtime.spreadsheets import xlsx_filename
from kinerja_runtime.uploads import XLSX_RESPONSES, xlsx_response

from appraisal_service.domain import OrganisationPredikat
from appraisal_service.entrypoints.deps import HR, Uow
from appraisal_service.service_layer.reports import (
    calibration,
    distribution,
    distribution_workbook,
    record_organisation_predikat,
)

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


@router.get(
    "/periods/{period_id}/distribution/export.xlsx",
    summary="The predikat distribution per unit as an Excel workbook; with organisation_predikat, a second "
    "sheet checks it against the SE 3/2023 curve like POST .../calibration (HR)",
    responses=XLSX_RESPONSES,
)
async def export_distribution(
    period_id: str,
    principal: HR,
    uow: Uow,
    include_proposals: bool = True,
    organisation_predikat: Annotated[
        OrganisationPredikat | None, Query(description="adds the calibration sheet against this curve")
    ] = None,
    unit_id: Annotated[str | None, Query(max_length=128, description="the calibration sheet for this unit")] = None,
):
    data = await distribution_workbook(
        uow, principal.agency, period_id, include_proposals, organisation_predikat, unit_id
    )
    return xlsx_response(data, xlsx_filename("sebaran-predikat", period_id))
