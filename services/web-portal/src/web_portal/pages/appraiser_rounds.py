"""Pejabat penilai: 360° feedback rounds for a team member — open one naming its givers (the
feedback-service refuses ineligible or unknown givers naming the field; the refusal is shown on the giver's row), follow its
status, close it and read its results as the service gives them (anonymised)."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.pages.appraiser_shared import GIVER_ROWS, GIVER_SOURCES, givers_from_form, round_errors
from web_portal.rendering import render
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]


async def _member(services, period_id: str, nip: str) -> tuple[dict, list[dict]]:
    """The team member (not found unless the appraiser appraises them) and the whole team."""
    team = (await services.target.get("/me/team/skp", params={"period_id": period_id}))["items"]
    member = next((m for m in team if m["nip"] == nip), None)
    if member is None:
        raise ServiceNotFound(service="target-service", status=404, detail="no such employee")
    return member, team


async def _rounds_page(
    request: Request,
    user: User,
    nip: str,
    period_id: str,
    *,
    values=None,
    errors=None,
    general_errors=None,
    status_code: int = 200,
):
    services = api(request)
    (member, team), feedback, checkpoints = await asyncio.gather(
        _member(services, period_id, nip),
        services.feedback.get(f"/employees/{nip}/feedback", params={"period_id": period_id}),
        services.feedback.get(f"/periods/{period_id}/checkpoints"),
    )
    names = {c["checkpoint_id"]: c["name"] for c in checkpoints.get("checkpoints", [])}
    if values is None:  # the usual givers first: the appraiser and the employee themself
        values = {
            "givers.0.nip": user.nip,
            "givers.0.source": "appraiser",
            "givers.1.nip": nip,
            "givers.1.source": "self",
        }
        if names:
            values["checkpoint_id"] = list(names)[-1]
    return render(
        request,
        "appraiser/rounds.html",
        {
            "member": member,
            "period_id": period_id,
            "rounds": feedback.get("rounds", []),
            "checkpoints": names,
            "peers": [m for m in team if m["nip"] != nip],
            "rows": range(GIVER_ROWS),
            "sources": GIVER_SOURCES,
            "values": values,
            "errors": errors or {},
            "general_errors": general_errors or [],
        },
        status_code=status_code,
    )


@router.get("/tim/{nip}/umpan-balik-360")
async def rounds_of(request: Request, nip: str, user: Appraiser):
    return await _rounds_page(request, user, nip, request.query_params.get("period_id", ""))


@router.post("/tim/{nip}/umpan-balik-360")
async def open_round(request: Request, nip: str, user: Appraiser):
    form = await request.form()
    period_id = form.get("period_id") or ""
    givers = givers_from_form(form)
    body = {
        "nip": nip,
        "period_id": period_id,
        "checkpoint_id": form.get("checkpoint_id") or None,
        "givers": [{"nip": g["nip"], "source": g["source"]} for g in givers],
    }
    services = api(request)
    try:
        opened = await services.feedback.post("/feedback-rounds", json=body)
    except ServiceProblem as problem:
        if isinstance(problem, ServiceNotFound):  # the employee or period: the not-found page
            raise
        errors, general = round_errors(problem, givers)
        return await _rounds_page(
            request,
            user,
            nip,
            period_id,
            values=dict(form),
            errors=errors,
            general_errors=general,
            status_code=problem.status,
        )
    flash(request, "Putaran umpan balik 360° dibuka.")
    return RedirectResponse(f"/penilai/umpan-balik-360/{opened['round_id']}", status_code=303)


@router.get("/umpan-balik-360/{round_id}")
async def round_page(request: Request, round_id: str, user: Appraiser):
    services = api(request)
    summary, results = await asyncio.gather(
        services.feedback.get(f"/feedback-rounds/{round_id}"),
        services.feedback.get(f"/feedback-rounds/{round_id}/results"),
    )
    checkpoints = (await services.feedback.get(f"/periods/{summary['period_id']}/checkpoints")).get("checkpoints", [])
    names = {c["checkpoint_id"]: c["name"] for c in checkpoints}
    return render(
        request,
        "appraiser/round.html",
        {
            "summary": summary,
            "results": results,
            "checkpoint": names.get(summary.get("checkpoint_id"), ""),
            "sources": dict(GIVER_SOURCES),
        },
    )


@router.post("/umpan-balik-360/{round_id}/tutup")
async def close_round(request: Request, round_id: str, user: Appraiser):
    try:
        await api(request).feedback.post(f"/feedback-rounds/{round_id}/close")
    except ServiceProblem as problem:
        if isinstance(problem, ServiceNotFound):
            raise
        flash(request, problem.detail or problem.title, kind="error")
    else:
        flash(request, "Putaran umpan balik 360° ditutup.")
    return RedirectResponse(f"/penilai/umpan-balik-360/{round_id}", status_code=303)
