"""Pengelola kinerja: the development report (plans by competency, JP fulfilment toward 20 JP;
the whole year downloads as the training-service's .xlsx), the talent pool, and the JP claims
waiting for verification (per employee, from their ledger)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from web_portal import dates
from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, Offset, Pager, passed_on
from web_portal.pages.recognition import KINDS as RECOGNITION_KINDS
from web_portal.rendering import render
from web_portal.session import agency_timezone, flash

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Pengembangan", "/pengelola/pengembangan", order=60)]
PAGE = 100
Nip = Annotated[str, Path(min_length=1, max_length=18, pattern=r"^[0-9]+$")]
EntryId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


def this_year(request: Request, year: int | None) -> int:
    return year or dates.today(agency_timezone(request)).year


@router.get("/pengembangan")
async def development(request: Request, user: Hr, year: Year = None, offset: Offset = 0):
    year = this_year(request, year)
    training = api(request).training
    report = await training.get("/reports/development", params={"year": year, "limit": PAGE, "offset": offset})
    pool = await training.get("/talent-pool", params={"limit": PAGE})
    employees = report["jp_fulfilment"]["employees"]
    return render(
        request,
        "hr/development.html",
        {
            "year": year,
            "report": report,
            "employees": employees,
            "pool": pool.get("nominations", []),
            "recognition_kinds": RECOGNITION_KINDS,
            "claims": [e for e in employees if e.get("claimed_jp")],
            "pager": Pager(offset, PAGE, len(employees)),
            "pager_query": f"&year={year}",
        },
    )


@router.get("/pengembangan/unduh.xlsx")  # before /pengembangan/{nip}, which would take the name
async def development_download(request: Request, user: Hr, year: Year = None):
    """The year's report with every employee, as the training-service's workbook."""
    year = this_year(request, year)
    answer = await api(request).training.download("/reports/development/export.xlsx", {"year": year})
    return passed_on(answer, f"pengembangan-{year}.xlsx")


async def ledger_page(request: Request, nip: str, year: int, errors=None, general=None, status_code: int = 200):
    ledger = await api(request).training.get(f"/employees/{nip}/jp-ledger", params={"year": year})
    return render(
        request,
        "hr/ledger.html",
        {
            "ledger": ledger,
            "nip": nip,
            "year": year,
            "errors": errors or {},
            "general_errors": general or [],
            "values": {},
        },
        status_code=status_code,
    )


@router.get("/pengembangan/{nip}")
async def ledger(request: Request, user: Hr, nip: Nip, year: Year = None):
    return await ledger_page(request, nip, this_year(request, year))


@router.post("/pengembangan/{nip}/{entry_id}/verifikasi")
async def verify(request: Request, user: Hr, nip: Nip, entry_id: EntryId, year: Year = None):
    try:
        await api(request).training.post(f"/employees/{nip}/jp-ledger/{entry_id}/verify")
    except ServiceProblem as problem:
        return await ledger_page(
            request, nip, this_year(request, year), general=problem.general_errors, status_code=problem.status
        )
    flash(request, "Klaim JP diverifikasi.")
    return RedirectResponse(f"/pengelola/pengembangan/{nip}?year={this_year(request, year)}", status_code=303)


@router.post("/pengembangan/{nip}/{entry_id}/tolak")
async def reject(request: Request, user: Hr, nip: Nip, entry_id: EntryId, year: Year = None):
    form = await request.form()
    try:
        await api(request).training.post(
            f"/employees/{nip}/jp-ledger/{entry_id}/reject",
            json={"reason": (form.get(f"{entry_id}.reason") or "").strip()},
        )
    except ServiceProblem as problem:
        errors = {f"{entry_id}.{k}": v for k, v in problem.field_errors.items()}
        return await ledger_page(
            request, nip, this_year(request, year), errors, problem.general_errors if not errors else [], problem.status
        )
    flash(request, "Klaim JP ditolak.")
    return RedirectResponse(f"/pengelola/pengembangan/{nip}?year={this_year(request, year)}", status_code=303)
