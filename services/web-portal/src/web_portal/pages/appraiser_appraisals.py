"""Pejabat penilai: the team's appraisal proposals, each shown with how it was reached and the
inputs it was made from, to confirm as proposed or override with a reason."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api, section
from web_portal.navigation import NavItem
from web_portal.pages.appraiser_shared import EKSPEKTASI, choose_period, confirm_body
from web_portal.rendering import render
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
NAV = [NavItem("appraiser", "Penilaian tim", "/penilai/penilaian", order=30)]


@router.get("/penilaian")
async def proposals(request: Request, user: Appraiser):
    services = api(request)
    periods = (await services.target.get("/periods")).get("items", [])
    period = choose_period(periods, request.query_params.get("period_id"))
    appraisals, names = [], {}
    if period is not None:
        found = await services.appraisal.get(f"/periods/{period['period_id']}/appraisals", params={"limit": 500})
        appraisals = found.get("appraisals", [])
        team = await section(services.target.get("/me/team/skp", params={"period_id": period["period_id"]}))
        names = {m["nip"]: m.get("name") for m in (team or {}).get("items", [])}
    return render(
        request,
        "appraiser/appraisals.html",
        {"periods": periods, "period": period, "appraisals": appraisals, "names": names, "levels": dict(EKSPEKTASI)},
    )


async def _appraisal_page(
    request: Request, appraisal_id: str, *, values=None, errors=None, general_errors=None, status_code: int = 200
):
    services = api(request)
    appraisal = await services.appraisal.get(f"/appraisals/{appraisal_id}")
    inputs = await section(
        services.appraisal.get(f"/periods/{appraisal['period_id']}/employees/{appraisal['nip']}/inputs")
    )
    return render(
        request,
        "appraiser/appraisal.html",
        {
            "a": appraisal,
            "inputs": inputs,
            "levels": EKSPEKTASI,
            "level_names": dict(EKSPEKTASI),
            "values": values or {},
            "errors": errors or {},
            "general_errors": general_errors or [],
        },
        status_code=status_code,
    )


@router.get("/penilaian/{appraisal_id}")
async def appraisal_page(request: Request, appraisal_id: str, user: Appraiser):
    return await _appraisal_page(request, appraisal_id)


@router.post("/penilaian/{appraisal_id}/konfirmasi")
async def confirm(request: Request, appraisal_id: str, user: Appraiser):
    form = await request.form()
    try:
        await api(request).appraisal.post(f"/appraisals/{appraisal_id}/confirm", json=confirm_body(form))
    except ServiceProblem as problem:
        return await _appraisal_page(
            request,
            appraisal_id,
            values=dict(form),
            errors=problem.field_errors,
            general_errors=problem.general_errors,
            status_code=problem.status,
        )
    flash(request, "Penilaian dikonfirmasi.")
    return RedirectResponse(f"/penilai/penilaian/{appraisal_id}", status_code=303)
