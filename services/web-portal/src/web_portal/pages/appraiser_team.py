"""Pejabat penilai: the team's SKPs by state; one SKP to approve or return with notes; continuous
feedback notes (umpan balik berkelanjutan) on each RHK in force."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.appraiser_shared import SKP_STATE_LABELS, choose_period, skp_state, team_by_state
from web_portal.rendering import render
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
NAV = [NavItem("appraiser", "SKP tim", "/penilai/tim", order=10)]


@router.get("/tim")
async def team(request: Request, user: Appraiser):
    services = api(request)
    periods = (await services.target.get("/periods")).get("items", [])
    period = choose_period(periods, request.query_params.get("period_id"))
    members = []
    if period is not None:
        members = (await services.target.get("/me/team/skp", params={"period_id": period["period_id"]}))["items"]
    return render(
        request,
        "appraiser/team.html",
        {"periods": periods, "period": period, "groups": team_by_state(members), "labels": SKP_STATE_LABELS},
    )


async def _skp_page(
    request: Request,
    skp_id: str,
    *,
    errors=None,
    general_errors=None,
    values=None,
    form: str | None = None,
    status_code: int = 200,
):
    services = api(request)
    skp = await services.target.get(f"/skp/{skp_id}")
    periods, team = await asyncio.gather(
        services.target.get("/periods"), services.target.get("/me/team/skp", params={"period_id": skp["period_id"]})
    )
    period = next((p for p in periods.get("items", []) if p["period_id"] == skp["period_id"]), None)
    member = next((m for m in team.get("items", []) if m["nip"] == skp["nip"]), {"nip": skp["nip"]})
    # What the appraiser decides on: a submitted revision of an approved SKP, else the SKP itself.
    revision = skp.get("revision") or None
    deciding = revision if revision and revision.get("status") == "submitted" else skp
    rhk_names = {r["rhk_id"]: r["description"] for r in skp.get("rhk", [])}
    checkpoints = {c["checkpoint_id"]: c["name"] for c in (period or {}).get("checkpoints", [])}
    return render(
        request,
        "appraiser/skp.html",
        {
            "skp": skp,
            "member": member,
            "period": period,
            "deciding": deciding,
            "can_decide": deciding.get("status") == "submitted",
            "can_give_feedback": skp.get("status") == "approved" or bool(skp.get("approved_at")),
            "state": SKP_STATE_LABELS.get(skp_state({"status": skp["status"], "revision": revision}), skp["status"]),
            "rhk_names": rhk_names,
            "checkpoints": checkpoints,
            "errors": errors or {},
            "general_errors": general_errors or [],
            "values": values or {},
            "form": form,
        },
        status_code=status_code,
    )


@router.get("/skp/{skp_id}")
async def skp_page(request: Request, skp_id: str, user: Appraiser):
    return await _skp_page(request, skp_id)


@router.post("/skp/{skp_id}/setujui")
async def approve(request: Request, skp_id: str, user: Appraiser):
    try:
        await api(request).target.post(f"/skp/{skp_id}/approve")
    except ServiceProblem as problem:
        return await _skp_page(
            request,
            skp_id,
            errors=problem.field_errors,
            general_errors=problem.general_errors,
            form="setujui",
            status_code=problem.status,
        )
    flash(request, "SKP disetujui.")
    return RedirectResponse(f"/penilai/skp/{skp_id}", status_code=303)


@router.post("/skp/{skp_id}/kembalikan")
async def send_back(request: Request, skp_id: str, user: Appraiser):
    form = await request.form()
    try:
        await api(request).target.post(f"/skp/{skp_id}/return", json={"notes": (form.get("notes") or "").strip()})
    except ServiceProblem as problem:
        return await _skp_page(
            request,
            skp_id,
            errors=problem.field_errors,
            general_errors=problem.general_errors,
            values=dict(form),
            form="kembalikan",
            status_code=problem.status,
        )
    flash(request, "SKP dikembalikan kepada pegawai dengan catatan.")
    return RedirectResponse(f"/penilai/skp/{skp_id}", status_code=303)


@router.post("/skp/{skp_id}/rhk/{rhk_id}/umpan-balik")
async def give_feedback(request: Request, skp_id: str, rhk_id: str, user: Appraiser):
    form = await request.form()
    body = {"note": (form.get("note") or "").strip()}
    if form.get("checkpoint_id"):
        body["checkpoint_id"] = form["checkpoint_id"]
    try:
        await api(request).target.post(f"/skp/{skp_id}/rhk/{rhk_id}/feedback", json=body)
    except ServiceProblem as problem:
        return await _skp_page(
            request,
            skp_id,
            errors=problem.field_errors,
            general_errors=problem.general_errors,
            values=dict(form),
            form=f"rhk-{rhk_id}",
            status_code=problem.status,
        )
    flash(request, "Umpan balik dicatat.")
    return RedirectResponse(f"/penilai/skp/{skp_id}#umpan-balik", status_code=303)
