"""Pejabat penilai: the home page, "what needs doing" — SKPs submitted by the team, proposals to
confirm, objections to decide as atasan — each section from its own service, shown as "cannot be
loaded now" when that service does not answer."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from web_portal.clients import api, section
from web_portal.navigation import NavItem
from web_portal.pages.appraiser_shared import appraisal_todos, choose_period, objection_todos, skp_todos
from web_portal.rendering import render
from web_portal.session import User, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
NAV = [NavItem("appraiser", "Beranda", "/penilai", order=0)]


@router.get("")
async def home(request: Request, user: Appraiser):
    services = api(request)
    periods, objections = await asyncio.gather(
        section(services.target.get("/periods")),
        section(services.appraisal.get("/objections", params={"status": "open", "limit": 100})),
    )
    period = choose_period((periods or {}).get("items", []), request.query_params.get("period_id"))
    team = appraisals = None
    if period is not None:
        team, appraisals = await asyncio.gather(
            section(services.target.get("/me/team/skp", params={"period_id": period["period_id"]})),
            section(
                services.appraisal.get(
                    f"/periods/{period['period_id']}/appraisals", params={"status": "proposed", "limit": 500}
                )
            ),
        )
    members = (team or {}).get("items", [])
    names = {m["nip"]: m.get("name") or m["nip"] for m in members}
    sections = {
        "skp": None if team is None and period is not None else skp_todos(members),
        "penilaian": None
        if appraisals is None and period is not None
        else appraisal_todos((appraisals or {}).get("appraisals", []), names),
        "keberatan": None if objections is None else objection_todos(objections.get("objections", []), user.nip),
    }
    return render(request, "appraiser/home.html", {"sections": sections, "period": period, "team_size": len(members)})
