"""Pegawai: my development plan (training-service): enrol in and complete its items, the year's JP
toward the 20 JP entitlement (verified and still claimed), and training done outside a plan (a
claim until HR or the appraiser verifies it)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse

from web_portal import dates
from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.employee_skp_form import N_, SHOWN, in_our_words
from web_portal.rendering import render
from web_portal.session import User, agency_timezone, flash, require_role

router = APIRouter(prefix="/pegawai")
Employee = Annotated[User, Depends(require_role("employee"))]
Id = Annotated[str, Path(min_length=1, max_length=64)]
NAV = [NavItem("employee", "Pengembangan", "/pegawai/pengembangan", order=40)]

ITEM_STATES = {"planned": N_("Direncanakan"), "enrolled": N_("Sedang diikuti"), "completed": N_("Selesai")}
ENTRY_STATES = {
    "verified": N_("Terverifikasi"),
    "claimed": N_("Diklaim, menunggu verifikasi"),
    "rejected": N_("Klaim ditolak"),
}
PLAN_STATES = {"active": N_("Berjalan"), "completed": N_("Selesai"), "superseded": N_("Digantikan")}


def gauge(ledger: dict) -> dict:
    """The JP gauge: verified JP toward the entitlement, the claimed JP that may still count, in words too."""
    entitlement = int(ledger.get("entitlement_jp") or 20)
    verified, claimed = int(ledger.get("verified_jp") or 0), int(ledger.get("claimed_jp") or 0)
    return {
        "entitlement": entitlement,
        "verified": verified,
        "claimed": claimed,
        "shown": min(verified, entitlement),
        "remaining": max(entitlement - verified, 0),
        "fulfilled": verified >= entitlement,
    }


def claim_body(form) -> tuple[dict, dict[str, str]]:
    """Training outside a plan, as the service takes it; a missing title or JP is named here."""
    body, errors = {}, {}
    for key in ("title", "evidence", "completed_on", "catalogue_code"):
        text = str(form.get(f"klaim.{key}", "")).strip()
        if text:
            body[key] = text
    jp = str(form.get("klaim.jp", "")).strip()
    if jp:
        if jp.isdigit():
            body["jp"] = int(jp)
        else:
            errors["klaim.jp"] = "Isi JP dengan bilangan bulat."
    if "catalogue_code" not in body:
        if "title" not in body:
            errors["klaim.title"] = "Wajib diisi."
        if "jp" not in body and "klaim.jp" not in errors:
            errors["klaim.jp"] = "Wajib diisi."
    for key in ("evidence", "completed_on"):
        if key not in body:
            errors[f"klaim.{key}"] = "Wajib diisi."
    return body, errors


async def _page(request: Request, user: User, values: dict, errors: dict, general: list[str], status_code: int = 200):
    services = api(request)
    year = dates.today(agency_timezone(request)).year
    plans, ledger = await asyncio.gather(
        services.training.get(f"/employees/{user.nip}/plans"),
        services.training.get(f"/employees/{user.nip}/jp-ledger", params={"year": year}),
    )
    current = next((p for p in plans.get("plans", []) if p["plan_id"] == plans.get("current_plan_id")), None)
    return render(
        request,
        "employee/development.html",
        {
            **SHOWN,
            "plans": plans,
            "current": current,
            "ledger": ledger,
            "gauge": gauge(ledger),
            "year": year,
            "item_states": ITEM_STATES,
            "entry_states": ENTRY_STATES,
            "plan_states": PLAN_STATES,
            "values": values,
            "errors": errors,
            "general_errors": general,
            "today": dates.today(agency_timezone(request)).isoformat(),
        },
        status_code=status_code,
    )


@router.get("/pengembangan")
async def development(request: Request, user: Employee):
    return await _page(request, user, {}, {}, [])


async def _send(request: Request, user: User, call, prefix: str, values: dict, done: str):
    try:
        await call
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        errors = {f"{prefix}{k}": v for k, v in in_our_words(problem.field_errors).items()}
        return await _page(request, user, values, errors, problem.general_errors, status_code=problem.status)
    flash(request, done)
    return RedirectResponse("/pegawai/pengembangan", status_code=303)


@router.post("/pengembangan/{plan_id}/{item_id}/ikut")
async def enrol(request: Request, user: Employee, plan_id: Id, item_id: Id):
    call = api(request).training.post(f"/plans/{plan_id}/items/{item_id}/enrol")
    return await _send(request, user, call, f"selesai.{item_id}.", {}, N_("Anda terdaftar pada kegiatan ini."))


@router.post("/pengembangan/{plan_id}/{item_id}/selesai")
async def complete(request: Request, user: Employee, plan_id: Id, item_id: Id):
    form = await request.form()
    prefix = f"selesai.{item_id}."
    body = {key: str(form.get(prefix + key, "")).strip() for key in ("evidence", "completed_on")}
    values = {prefix + k: v for k, v in body.items()}
    missing = {prefix + k: "Wajib diisi." for k, v in body.items() if not v}
    if missing:
        return await _page(request, user, values, missing, [], status_code=422)
    call = api(request).training.post(f"/plans/{plan_id}/items/{item_id}/complete", json=body)
    return await _send(request, user, call, prefix, values, N_("Kegiatan dicatat selesai; JP-nya masuk ke catatan JP."))


@router.post("/pengembangan/klaim")
async def claim(request: Request, user: Employee):
    form = await request.form()
    body, errors = claim_body(form)
    values = {k: str(v) for k, v in form.items() if k.startswith("klaim.")}
    if errors:
        return await _page(request, user, values, errors, [], status_code=422)
    call = api(request).training.post(f"/employees/{user.nip}/jp-ledger", json=body)
    return await _send(
        request, user, call, "klaim.", values, N_("Pelatihan dicatat sebagai klaim; JP dihitung setelah diverifikasi.")
    )
