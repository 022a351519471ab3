"""HTTP routes of target-service: thin — parse, authorise, call a handler."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.problems import Forbidden, Problem, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from pydantic import BaseModel, ConfigDict, Field

from target_service.domain.skp import IndikatorDraft, RhkDraft
from target_service.entrypoints.roster_csv import roster_rows
from target_service.service_layer import handlers

router = APIRouter(tags=["targets"])
Caller = Annotated[Principal, Depends(current_principal)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
HR = Annotated[Principal, Depends(require_roles(Role.HR))]
HrOrAppraiser = Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))]

MAX_EMPLOYEES = 5000
MAX_CSV_BYTES = 8 * 1024 * 1024


class UnsupportedMediaType(Problem):
    status, title = 415, "Unsupported media type"


class ContentTooLarge(Problem):
    status, title = 413, "Content too large"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- roster ------------------------------------------------------------------------------
class EmployeeIn(Strict):
    """One roster row; its content is checked per row so that good rows are kept."""

    nip: str | None = Field(None, max_length=64, description="18-digit NIP")
    name: str | None = Field(None, max_length=500)
    position: str | None = Field(None, max_length=500, description="jabatan")
    unit: str | None = Field(None, max_length=500, description="unit kerja")
    appraiser_nip: str | None = Field(None, max_length=64, description="NIP of the Pejabat Penilai Kinerja")


class EmployeesIn(Strict):
    employees: list[EmployeeIn] = Field(max_length=MAX_EMPLOYEES)


@router.post("/employees", summary="Register or update employees (JSON); errors name the item (index + 1)")
async def register_employees(body: EmployeesIn, principal: HR, uow: Uow):
    rows = [(n, item.model_dump()) for n, item in enumerate(body.employees, start=1)]
    return await handlers.import_employees(uow, agency_id=principal.agency, rows=rows)


@router.post(
    "/employees/import",
    summary="Register or update employees from a CSV roster (header nip,name,position,unit,appraiser_nip)",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_roster_csv(request: Request, principal: HR, uow: Uow):
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "text/csv":
        raise UnsupportedMediaType("send the roster with Content-Type: text/csv")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_CSV_BYTES:
            raise ContentTooLarge(f"a roster CSV may be at most {MAX_CSV_BYTES} bytes")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("the CSV must be UTF-8 text") from exc
    rows, unreadable = roster_rows(text, MAX_EMPLOYEES)
    return await handlers.import_employees(uow, agency_id=principal.agency, rows=rows, unreadable=unreadable)


@router.get("/employees", summary="The agency's roster, by NIP (HR or appraiser)")
async def list_employees(
    principal: HrOrAppraiser, uow: Uow,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    appraiser_nip: Annotated[str | None, Query(max_length=18, description="only this appraiser's employees")] = None,
):
    return await handlers.list_employees(
        uow, agency_id=principal.agency, limit=limit, offset=offset, appraiser_nip=appraiser_nip
    )


@router.get("/employees/{nip}", summary="One employee (the employee, an appraiser or HR)")
async def get_employee(nip: str, principal: Caller, uow: Uow):
    if principal.nip != nip and not principal.has(Role.HR, Role.APPRAISER):
        raise Forbidden("only the employee, an appraiser or HR may read this record")
    return await handlers.get_employee(uow, agency_id=principal.agency, nip=nip)


@router.get("/employees/{nip}/skp", summary="An employee's SKPs, optionally in one period")
async def employee_skp(nip: str, principal: Caller, uow: Uow, period_id: Annotated[str | None, Query(max_length=64)] = None):
    return await handlers.skp_of_employee(
        uow, agency_id=principal.agency, nip=nip, period_id=period_id, actor_nip=principal.nip,
        is_hr=principal.has(Role.HR),
    )


# --- periods -----------------------------------------------------------------------------
class PeriodIn(Strict):
    year: int = Field(ge=2000, le=2100)
    starts_on: date | None = Field(None, description="default 1 January of the year")
    ends_on: date | None = Field(None, description="default 31 December of the year")


@router.post("/periods", status_code=status.HTTP_201_CREATED, summary="Open the performance period of a year (HR)")
async def open_period(body: PeriodIn, principal: HR, uow: Uow):
    return await handlers.open_new_period(
        uow, agency_id=principal.agency, year=body.year, starts_on=body.starts_on, ends_on=body.ends_on
    )


@router.get("/periods", summary="The agency's performance periods")
async def list_periods(principal: Caller, uow: Uow):
    return await handlers.list_periods(uow, agency_id=principal.agency)


@router.get("/periods/{period_id}")
async def get_period(period_id: str, principal: Caller, uow: Uow):
    return await handlers.get_period(uow, agency_id=principal.agency, period_id=period_id)


@router.post("/periods/{period_id}/close", summary="Close a period; appraisal may start (HR)")
async def close_period(period_id: str, principal: HR, uow: Uow):
    return await handlers.close_period(uow, agency_id=principal.agency, period_id=period_id)


# --- SKP -----------------------------------------------------------------------------------
class IkiIn(Strict):
    aspect: Aspect
    description: str = Field(min_length=1, max_length=2000)
    target: float = Field(allow_inf_nan=False, description="greater than 0")
    unit: str = Field(min_length=1, max_length=100, description='e.g. "dokumen", "hari", "%"')
    higher_is_better: bool | None = Field(None, description="default: false for waktu and biaya, true otherwise")


class RhkIn(Strict):
    kind: RhkKind
    description: str = Field(min_length=1, max_length=2000)
    indikator: list[IkiIn] = Field(max_length=20, description="at least one IKI")


class PlanIn(Strict):
    rhk: list[RhkIn] = Field(max_length=50, description="at least one RHK utama")

    def drafts(self) -> list[RhkDraft]:
        return [
            RhkDraft(r.kind, r.description, tuple(
                IndikatorDraft(i.aspect, i.description, i.target, i.unit, i.higher_is_better) for i in r.indikator
            ))
            for r in self.rhk
        ]


class SkpIn(PlanIn):
    period_id: str = Field(min_length=1, max_length=64)


class ReturnIn(Strict):
    notes: str = Field(min_length=1, max_length=4000, description="what the employee should change")


class RealizationIn(Strict):
    iki_id: str = Field(min_length=1, max_length=64)
    value: float = Field(allow_inf_nan=False, description="0 or more")
    evidence: str | None = Field(None, max_length=2000, description="bukti dukung: a link or document id")


@router.post("/skp", status_code=status.HTTP_201_CREATED, summary="Draft the caller's own SKP for a period")
async def create_skp(body: SkpIn, principal: Caller, uow: Uow):
    return await handlers.create_skp(
        uow, agency_id=principal.agency, nip=principal.nip, period_id=body.period_id, rhk=body.drafts()
    )


@router.get("/skp/{skp_id}", summary="An SKP with its RHK, IKI and realisations (owner, their appraiser, HR)")
async def get_skp(skp_id: str, principal: Caller, uow: Uow):
    return await handlers.get_skp(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=principal.has(Role.HR)
    )


@router.put("/skp/{skp_id}", summary="Replace the RHK of a draft or returned SKP (owner)")
async def revise_skp(skp_id: str, body: PlanIn, principal: Caller, uow: Uow):
    return await handlers.change_skp(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, action="revise", rhk=body.drafts()
    )


@router.post("/skp/{skp_id}/submit", summary="Submit the SKP to the appraiser (owner)")
async def submit_skp(skp_id: str, principal: Caller, uow: Uow):
    return await handlers.change_skp(uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, action="submit")


@router.post("/skp/{skp_id}/approve", summary="Approve a submitted SKP (the owner's appraiser) -> TargetSet")
async def approve_skp(skp_id: str, principal: Caller, uow: Uow):
    return await handlers.change_skp(uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, action="approve")


@router.post("/skp/{skp_id}/return", summary="Return a submitted SKP with notes (the owner's appraiser)")
async def return_skp(skp_id: str, body: ReturnIn, principal: Caller, uow: Uow):
    return await handlers.change_skp(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, action="return", notes=body.notes
    )


@router.post("/skp/{skp_id}/realizations", status_code=status.HTTP_201_CREATED,
             summary="Record a realisation against one IKI (owner, their appraiser or HR) -> RealizationRecorded")
async def record_realization(skp_id: str, body: RealizationIn, principal: Caller, uow: Uow):
    return await handlers.record_realization(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=principal.has(Role.HR),
        iki_id=body.iki_id, value=body.value, evidence=body.evidence,
    )
