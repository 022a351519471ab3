"""HTTP routes of the roster: import (JSON, CSV, .xlsx), reading, transfers."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from kinerja_contracts.limits import NAME_MAX
from kinerja_runtime.auth import Role
from kinerja_runtime.inputs import Offset
from kinerja_runtime.uploads import TABLE_REQUEST_BODY, read_table_body
from pydantic import Field

from target_service.entrypoints.deps import HR, Caller, HrOrAppraiser, Strict, Uow
from target_service.entrypoints.roster_table import NIP_COLUMNS, ROWS_ARE, roster_rows
from target_service.service_layer import roster, skp, transfers

router = APIRouter(tags=["roster"])

MAX_EMPLOYEES = 5000
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # a CSV or an .xlsx workbook


class EmployeeIn(Strict):
    """One roster row; its content is checked per row so that good rows are kept."""

    nip: str | None = Field(None, max_length=64, description="18-digit NIP")
    name: str | None = Field(None, max_length=500)
    position: str | None = Field(None, max_length=500, description="jabatan")
    unit: str | None = Field(None, max_length=500, description="unit kerja (name); not needed when unit_id is given")
    unit_id: str | None = Field(None, max_length=128, description="a work unit of the agency (see /units)")
    appraiser_nip: str | None = Field(None, max_length=64, description="NIP of the Pejabat Penilai Kinerja")


class EmployeesIn(Strict):
    employees: list[EmployeeIn] = Field(max_length=MAX_EMPLOYEES)


class TransferIn(Strict):
    unit_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        description="the unit joined; required within the agency, only a suggestion "
        "(never checked) for another agency, whose HR chooses",
    )
    position: str | None = Field(None, max_length=NAME_MAX, description="default: unchanged")
    appraiser_nip: str | None = Field(
        None,
        max_length=18,
        description="default: the new unit's head (unchanged when the unit stays); not for another agency",
    )
    to_agency_id: str | None = Field(
        None, min_length=1, max_length=64, description="for a move to another agency: a request its HR accepts"
    )
    effective_on: date


@router.post("/employees", summary="Register or update employees (JSON); errors name the item (index + 1)")
async def register_employees(body: EmployeesIn, principal: HR, uow: Uow):
    rows = [(n, item.model_dump()) for n, item in enumerate(body.employees, start=1)]
    return await roster.import_employees(uow, agency_id=principal.agency, rows=rows)


@router.post(
    "/employees/import",
    summary="Register or update employees from a roster table (header nip,name,position,unit[,unit_id]"
    "[,appraiser_nip]): CSV (text/csv, comma or semicolon) or an Excel workbook (.xlsx media type, its "
    "first sheet, NIPs as text)",
    openapi_extra=TABLE_REQUEST_BODY,
    max_body_size=MAX_UPLOAD_BYTES,
)
async def import_roster_table(request: Request, principal: HR, uow: Uow):
    table = await read_table_body(
        request, MAX_UPLOAD_BYTES, "roster", max_rows=MAX_EMPLOYEES, rows_are=ROWS_ARE, text_columns=NIP_COLUMNS
    )
    rows, unreadable = roster_rows(table)
    return await roster.import_employees(uow, agency_id=principal.agency, rows=rows, unreadable=unreadable)


@router.get("/employees", summary="The roster by NIP: all of it for HR, the team they appraise for an appraiser")
async def list_employees(
    principal: HrOrAppraiser,
    uow: Uow,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
    appraiser_nip: Annotated[str | None, Query(max_length=18, description="only this appraiser's employees")] = None,
):
    return await roster.list_employees(
        uow,
        agency_id=principal.agency,
        reader_nip=principal.nip,
        reader_is_hr=principal.has(Role.HR),
        limit=limit,
        offset=offset,
        appraiser_nip=appraiser_nip,
    )


@router.get("/employees/{nip}", summary="One employee (the employee, their appraiser or HR)")
async def get_employee(nip: str, principal: Caller, uow: Uow):
    return await roster.get_employee(
        uow, agency_id=principal.agency, nip=nip, reader_nip=principal.nip, reader_is_hr=principal.has(Role.HR)
    )


@router.post(
    "/employees/{nip}/transfer",
    responses={202: {"description": "a transfer request to another agency"}},
    summary="Move an employee to another unit (200, -> EmployeeTransferred), or ask another agency to take "
    "them in (202, a pending transfer request its HR accepts) (HR of the agency they leave)",
)
async def transfer_employee(nip: str, body: TransferIn, principal: HR, uow: Uow, response: Response):
    if body.to_agency_id in (None, principal.agency):
        return await roster.transfer_employee(
            uow,
            agency_id=principal.agency,
            nip=nip,
            unit_id=body.unit_id,
            position=body.position,
            appraiser_nip=body.appraiser_nip,
            effective_on=body.effective_on,
        )
    response.status_code = status.HTTP_202_ACCEPTED
    return await transfers.request_transfer(
        uow,
        agency_id=principal.agency,
        requested_by=principal.nip,
        nip=nip,
        to_agency_id=body.to_agency_id,
        unit_id=body.unit_id,
        position=body.position,
        appraiser_nip=body.appraiser_nip,
        effective_on=body.effective_on,
    )


@router.get(
    "/employees/{nip}/skp", summary="An employee's SKPs, optionally in one period (the employee, their appraiser or HR)"
)
async def employee_skp(
    nip: str, principal: Caller, uow: Uow, period_id: Annotated[str | None, Query(max_length=64)] = None
):
    return await skp.skp_of_employee(
        uow,
        agency_id=principal.agency,
        nip=nip,
        period_id=period_id,
        actor_nip=principal.nip,
        is_hr=principal.has(Role.HR),
    )
