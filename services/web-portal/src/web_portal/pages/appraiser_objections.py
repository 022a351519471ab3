"""Pejabat penilai as atasan (the superior of an employee's appraiser): the objections (keberatan)
to decide — uphold the result, or change it with new ratings — always with a reason."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api, section
from web_portal.navigation import NavItem
from web_portal.pages.appraiser_shared import EKSPEKTASI, decision_body
from web_portal.rendering import render
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
NAV = [NavItem("appraiser", "Keberatan", "/penilai/keberatan", order=40)]
OUTCOMES = (("upheld", "Hasil tetap (keberatan ditolak)"), ("changed", "Hasil diubah"))


@router.get("/keberatan")
async def objections(request: Request, user: Appraiser):
    found = await api(request).appraisal.get("/objections", params={"limit": 500})
    mine = [o for o in found.get("objections", []) if o.get("superior_nip") == user.nip]
    return render(
        request,
        "appraiser/objections.html",
        {"open": [o for o in mine if o["status"] == "open"], "decided": [o for o in mine if o["status"] != "open"]},
    )


async def _objection_page(
    request: Request, objection_id: str, *, values=None, errors=None, general_errors=None, status_code: int = 200
):
    services = api(request)
    objection = await services.appraisal.get(f"/objections/{objection_id}")
    appraisal = await section(services.appraisal.get(f"/appraisals/{objection['appraisal_id']}"))
    return render(
        request,
        "appraiser/objection.html",
        {
            "o": objection,
            "a": appraisal,
            "levels": EKSPEKTASI,
            "level_names": dict(EKSPEKTASI),
            "outcomes": OUTCOMES,
            "values": values or {},
            "errors": errors or {},
            "general_errors": general_errors or [],
        },
        status_code=status_code,
    )


@router.get("/keberatan/{objection_id}")
async def objection_page(request: Request, objection_id: str, user: Appraiser):
    return await _objection_page(request, objection_id)


@router.post("/keberatan/{objection_id}/keputusan")
async def decide(request: Request, objection_id: str, user: Appraiser):
    form = await request.form()
    try:
        await api(request).appraisal.post(f"/objections/{objection_id}/decision", json=decision_body(form))
    except ServiceProblem as problem:
        return await _objection_page(
            request,
            objection_id,
            values=dict(form),
            errors=problem.field_errors,
            general_errors=problem.general_errors,
            status_code=problem.status,
        )
    flash(request, "Keputusan atas Keberatan disimpan.")
    return RedirectResponse(f"/penilai/keberatan/{objection_id}", status_code=303)
