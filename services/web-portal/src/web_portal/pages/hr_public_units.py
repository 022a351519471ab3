"""Pengelola kinerja: the public-service units. Their IKM and mutu period after period
(feedback-service ``GET /units/{unit_id}/satisfaction``), and a printable poster with the QR code
of the unit's survey page (``/survei/{agency}/{unit}``), made here as SVG with segno. Each period's
report downloads as the feedback-service's .xlsx (``.../satisfaction/export.xlsx``)."""

import asyncio
import io
from typing import Annotated

import segno
from fastapi import APIRouter, Path, Query, Request
from markupsafe import Markup, escape

from web_portal.clients import ServiceNotFound, ServiceUnavailable, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, all_periods, all_units, passed_on
from web_portal.rendering import render

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "IKM layanan", "/pengelola/ikm", order=50)]
Id = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
PeriodId = Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]


def survey_url(base_url: str, agency_id: str, unit_id: str) -> str:
    return f"{base_url.rstrip('/')}/survei/{agency_id}/{unit_id}"


def qr_svg(url: str, label: str) -> Markup:
    """The URL as a QR code (error correction M: survives a scratched poster), an accessible SVG image."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=10,
        border=4,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
    )
    svg = out.getvalue().decode()
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


async def _satisfaction(request: Request, unit_id: str, period: dict) -> dict | None:
    """The unit's answer for one period; None when the feedback-service does not know that period."""
    try:
        found = await api(request).feedback.get(
            f"/units/{unit_id}/satisfaction", params={"period_id": period["period_id"]}
        )
    except ServiceNotFound:
        return None
    return {**found, "year": period["year"]}


@router.get("/ikm")
async def public_units(request: Request, user: Hr):
    units = [u for u in await all_units(request) if u.get("serves_public")]
    return render(request, "hr/public_units.html", {"units": units})


@router.get("/ikm/{unit_id}")
async def unit_satisfaction(request: Request, user: Hr, unit_id: Id):
    units = {u["unit_id"]: u for u in await all_units(request)}
    if unit_id not in units:
        raise ServiceNotFound(service="target-service", status=404, detail="no such unit")
    periods = await all_periods(request)
    try:
        answers = await asyncio.gather(*(_satisfaction(request, unit_id, p) for p in periods))
        unavailable = False
    except ServiceUnavailable:
        answers, unavailable = [], True
    over_time = [a for a in answers if a is not None]
    return render(
        request,
        "hr/unit_satisfaction.html",
        {
            "unit": units[unit_id],
            "over_time": over_time,
            "latest": over_time[0] if over_time else None,
            "unavailable": unavailable,
        },
    )


@router.get("/ikm/{unit_id}/unduh.xlsx")
async def unit_satisfaction_download(request: Request, user: Hr, unit_id: Id, period_id: PeriodId):
    """One period's IKM of the unit as the feedback-service's workbook."""
    answer = await api(request).feedback.download(
        f"/units/{unit_id}/satisfaction/export.xlsx", {"period_id": period_id}
    )
    return passed_on(answer, "ikm.xlsx")


@router.get("/poster/{unit_id}")
async def poster(request: Request, user: Hr, unit_id: Id):
    units = {u["unit_id"]: u for u in await all_units(request)}
    unit = units.get(unit_id)
    if unit is None or not unit.get("serves_public"):
        raise ServiceNotFound(service="target-service", status=404, detail="no such public unit")
    base = request.app.state.settings.public_url or str(request.base_url)
    url = survey_url(base, user.agency, unit_id)
    return render(request, "hr/poster.html", {"unit": unit, "url": url, "qr": qr_svg(url, url)})
