"""HTTP routes of training-service: reading plans, decisions, the JP ledger and reports."""

from typing import Annotated

from fastapi import APIRouter, Query
from kinerja_runtime.inputs import Offset, page_limit
from kinerja_runtime.spreadsheets import xlsx_filename
from kinerja_runtime.uploads import XLSX_RESPONSES, xlsx_response

from training_service.entrypoints.deps import HR, Caller, EmployeeNip, Id, Today, Uow, Year
from training_service.service_layer import views

router = APIRouter(tags=["development"])


@router.get(
    "/employees/{nip}/plans",
    summary="An employee's development plans and plan decisions (the employee, their current appraiser, HR)",
)
async def employee_plans(nip: EmployeeNip, principal: Caller, uow: Uow, today: Today):
    return await views.employee_plans(uow, principal, nip, today)


@router.get(
    "/employees/{nip}/jp-ledger",
    summary="A page of an employee's JP ledger for a year, claimed and "
    "verified, against the 20 JP entitlement (the employee, their current appraiser, HR)",
)
async def employee_ledger(
    nip: EmployeeNip,
    principal: Caller,
    uow: Uow,
    today: Today,
    year: Year = None,
    limit: page_limit(500) = 500,
    offset: Offset = 0,
):
    return await views.jp_ledger_of(uow, principal, nip, year or today.year, limit, offset)


@router.get(
    "/periods/{period_id}/plan-decisions", summary="A page of a period's plan decisions with the plans they made (HR)"
)
async def period_decisions(
    period_id: Id,
    principal: HR,
    uow: Uow,
    today: Today,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Offset = 0,
):
    return await views.period_decisions(uow, principal.agency, period_id, limit, offset, today)


@router.get(
    "/reports/development", summary="The agency's plans by competency and a page of JP fulfilment for a year (HR)"
)
async def development_report(
    principal: HR, uow: Uow, today: Today, year: Year = None, limit: page_limit(1000) = 500, offset: Offset = 0
):
    return await views.development_report(uow, principal.agency, year or today.year, today, limit, offset)


@router.get(
    "/reports/development/export.xlsx",
    summary="The development report for a year with every employee's JP, as an Excel workbook (HR)",
    responses=XLSX_RESPONSES,
)
async def development_report_export(principal: HR, uow: Uow, today: Today, year: Year = None):
    chosen = year or today.year
    data = await views.development_report_workbook(uow, principal.agency, chosen, today)
    return xlsx_response(data, xlsx_filename("pengembangan", str(chosen)))


@router.get(
    "/talent-pool",
    summary="A page of the employees nominated for the talent pool: two consecutive years Sangat Baik (HR)",
)
async def talent_pool(principal: HR, uow: Uow, limit: page_limit(500) = 500, offset: Offset = 0):
    return await views.talent_pool(uow, principal.agency, limit, offset)
