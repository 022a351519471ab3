"""Penghargaan (recognition): the employee's recognitions; for HR and appraisers, a checkpoint's
candidates (officers citizens rated in the top band with enough answers, from feedback-service)
with a form to recognise one of them, and a form for a leader's recognition of anyone they
appraise (HR: of anyone in the agency). The feedback-service decides who may recognise whom."""

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from web_portal import dates
from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.appraiser_shared import choose_period
from web_portal.rendering import render
from web_portal.session import User, agency_timezone, flash, require_role

router = APIRouter()
NAV = [
    NavItem("employee", "Penghargaan", "/pegawai/penghargaan", order=50),
    NavItem("appraiser", "Penghargaan", "/penilai/penghargaan", order=50),
    NavItem("hr", "Penghargaan", "/pengelola/penghargaan", order=55),
]
Employee = Annotated[User, Depends(require_role("employee"))]
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
Hr = Annotated[User, Depends(require_role("hr"))]

KINDS = {"citizen_rating": "Penilaian warga", "leader": "Apresiasi pimpinan"}
REASON_MAX = 1000  # the contract's RECOGNITION_REASON_MAX
PAGES = {"appraiser": "/penilai/penghargaan", "hr": "/pengelola/penghargaan"}


def choose_checkpoint(period: dict | None, requested: str | None, today: date) -> dict | None:
    """The checkpoint asked for when the period has it; else the latest one begun by ``today``
    (the one whose ratings are coming in); else the period's first. None without checkpoints."""
    checkpoints = (period or {}).get("checkpoints") or []
    if not checkpoints:
        return None
    if requested:
        chosen = next((c for c in checkpoints if c["checkpoint_id"] == requested), None)
        if chosen is not None:
            return chosen
    begun = [c for c in checkpoints if dates.parse(c["starts_on"]) <= today]
    return begun[-1] if begun else checkpoints[0]


def recognition_body(form) -> tuple[dict, dict[str, str]]:
    """The body of POST /recognitions from the form, and what the form must fix first."""
    body = {
        "nip": (form.get("nip") or "").strip(),
        "period_id": form.get("period_id") or "",
        "kind": form.get("kind") or "",
        "reason": (form.get("reason") or "").strip(),
    }
    if form.get("checkpoint_id"):
        body["checkpoint_id"] = form.get("checkpoint_id")
    errors = {}
    if not (body["nip"].isdigit() and len(body["nip"]) == 18):
        errors["nip"] = "Isi NIP 18 angka."
    if body["kind"] not in KINDS:
        errors["kind"] = "Pilih jenis penghargaan."
    if not body["reason"]:
        errors["reason"] = "Tuliskan alasan penghargaan."
    elif len(body["reason"]) > REASON_MAX:
        errors["reason"] = "Alasan paling banyak 1000 karakter."
    return body, errors


def with_names(recognitions: list[dict], periods: list[dict]) -> list[dict]:
    """Each recognition with its period's year and its checkpoint's name, as the page shows them."""
    by_id = {p["period_id"]: p for p in periods}
    shown = []
    for r in recognitions:
        period = by_id.get(r["period_id"], {})
        checkpoints = {c["checkpoint_id"]: c["name"] for c in period.get("checkpoints") or []}
        shown.append(
            {
                **r,
                "year": period.get("year", ""),
                "checkpoint": checkpoints.get(r.get("checkpoint_id"), r.get("checkpoint_id") or ""),
                "kind_label": KINDS.get(r["kind"], r["kind"]),
            }
        )
    return shown


# -- the employee ---------------------------------------------------------------------------------
@router.get("/pegawai/penghargaan")
async def my_recognitions(request: Request, user: Employee):
    services = api(request)
    mine, periods = await asyncio.gather(services.feedback.get("/me/recognitions"), services.target.get("/periods"))
    return render(
        request,
        "employee/recognitions.html",
        {"recognitions": with_names(mine.get("recognitions", []), periods.get("items", []))},
    )


# -- HR and appraisers ----------------------------------------------------------------------------
async def _candidates_page(
    request: Request,
    role: str,
    period_id: str | None,
    checkpoint_id: str | None,
    *,
    values=None,
    errors=None,
    general_errors=None,
    status_code: int = 200,
):
    services = api(request)
    periods = (await services.target.get("/periods")).get("items", [])
    period = choose_period(periods, period_id)
    today = dates.today(agency_timezone(request))
    checkpoint = choose_checkpoint(period, checkpoint_id, today)
    found = None
    if period is not None:
        params = {"period_id": period["period_id"]}
        if checkpoint is not None:
            params["checkpoint_id"] = checkpoint["checkpoint_id"]
        found = await services.feedback.get("/recognition/candidates", params=params)
    return render(
        request,
        "recognition/candidates.html",
        {
            "action": PAGES[role],
            "period_options": [(p["period_id"], str(p.get("year", p["period_id"]))) for p in periods],
            "checkpoint_options": [(c["checkpoint_id"], c["name"]) for c in (period or {}).get("checkpoints") or []],
            "period": period,
            "checkpoint": checkpoint,
            "found": found,
            "kinds": KINDS,
            "reason_max": REASON_MAX,
            "values": values or {},
            "errors": errors or {},
            "general_errors": general_errors or [],
        },
        status_code=status_code,
    )


async def _record(request: Request, role: str):
    form = await request.form()
    body, errors = recognition_body(form)
    period_id, checkpoint_id = form.get("period_id") or None, form.get("checkpoint_id") or None
    values = {k: form.get(k) or "" for k in ("nip", "kind", "reason")}
    if errors:
        return await _candidates_page(
            request, role, period_id, checkpoint_id, values=values, errors=errors, status_code=422
        )
    try:
        await api(request).feedback.post("/recognitions", json=body)
    except ServiceProblem as problem:
        if isinstance(problem, ServiceNotFound):  # the NIP typed is nobody the caller may recognise
            errors, general = {"nip": "Pegawai dengan NIP ini tidak dikenal."}, []
        else:
            errors, general = problem.field_errors, problem.general_errors
        return await _candidates_page(
            request,
            role,
            period_id,
            checkpoint_id,
            values=values,
            errors=errors,
            general_errors=general,
            status_code=problem.status,
        )
    flash(request, "Penghargaan dicatat.")
    query = f"?period_id={body['period_id']}" + (f"&checkpoint_id={checkpoint_id}" if checkpoint_id else "")
    return RedirectResponse(f"{PAGES[role]}{query}", status_code=303)


@router.get("/penilai/penghargaan")
async def appraiser_candidates(request: Request, user: Appraiser):
    q = request.query_params
    return await _candidates_page(request, "appraiser", q.get("period_id"), q.get("checkpoint_id"))


@router.post("/penilai/penghargaan")
async def appraiser_records(request: Request, user: Appraiser):
    return await _record(request, "appraiser")


@router.get("/pengelola/penghargaan")
async def hr_candidates(request: Request, user: Hr):
    q = request.query_params
    return await _candidates_page(request, "hr", q.get("period_id"), q.get("checkpoint_id"))


@router.post("/pengelola/penghargaan")
async def hr_records(request: Request, user: Hr):
    return await _record(request, "hr")
