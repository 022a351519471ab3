"""Pengelola kinerja: calibration. The agency's predikat distribution (appraisal-service
``GET /periods/{p}/distribution``) and its check against the curve of the organisation's own
predikat (``POST /periods/{p}/calibration``, which only reads), as an SVG chart with a table; both
as one .xlsx to download (``GET /periods/{p}/distribution/export.xlsx``)."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from web_portal.calibration_chart import (
    PREDIKAT_LABELS,
    PREDIKAT_ORDER,
    bound_rows,
    chart_description,
    chart_svg,
    distribution_bars,
)
from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.i18n import language_of, translator
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, all_periods, all_units, chosen_period, passed_on
from web_portal.rendering import render
from web_portal.session import flash

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Kalibrasi", "/pengelola/kalibrasi", order=40)]
ORGANISATION_PREDIKAT = (
    ("istimewa", "Istimewa"),
    ("baik", "Baik"),
    ("butuh_perbaikan", "Butuh Perbaikan"),
    ("kurang", "Kurang"),
    ("sangat_kurang", "Sangat Kurang"),
)
Text = Annotated[str | None, Query(max_length=128)]


@router.get("/kalibrasi")
async def calibration(
    request: Request,
    user: Hr,
    period_id: Text = None,
    predikat: Text = None,
    unit_id: Text = None,
    usulan: Annotated[str, Query(max_length=5)] = "ya",
):
    _ = translator(language_of(request))
    periods = await all_periods(request)
    period = chosen_period(periods, period_id)
    asked = predikat if predikat in dict(ORGANISATION_PREDIKAT) else None
    chosen = asked or "baik"
    include_proposals = usulan != "tidak"
    context = {
        "periods": periods,
        "period": period,
        "units": await all_units(request),
        "values": {
            "period_id": period["period_id"] if period else "",
            "predikat": chosen,
            "unit_id": unit_id or "",
            "usulan": "ya" if include_proposals else "tidak",
        },
        "organisation_predikat": ORGANISATION_PREDIKAT,
        "predikat_labels": PREDIKAT_LABELS,
        "predikat_order": PREDIKAT_ORDER,
        "distribution": None,
        "report": None,
        "not_known": False,
        "general_errors": [],
        "recorded": None,
    }
    if period is None:
        return render(request, "hr/calibration.html", context)
    appraisal = api(request).appraisal
    path = f"/periods/{period['period_id']}"
    try:
        distribution = await appraisal.get(
            f"{path}/distribution", params={"include_proposals": str(include_proposals).lower()}
        )
        # The agency's own predikat as HR recorded it (the province view checks against it) is
        # the curve shown unless another is asked for.
        recorded = distribution.get("organisation_predikat")
        chosen = asked or (recorded if recorded in dict(ORGANISATION_PREDIKAT) else "baik")
        context["values"]["predikat"], context["recorded"] = chosen, recorded
        report = await appraisal.post(
            f"{path}/calibration",
            json={"organisation_predikat": chosen, "unit_id": unit_id or None, "include_proposals": include_proposals},
        )
    except ServiceNotFound:
        # appraisal-service learns periods and units from events: a brand-new one may not be known yet.
        return render(request, "hr/calibration.html", {**context, "not_known": True})
    except ServiceProblem as problem:
        return render(
            request,
            "hr/calibration.html",
            {**context, "general_errors": problem.general_errors},
            status_code=problem.status,
        )
    bars = distribution_bars(report["counts"])
    rows = bound_rows(report["bounds"], report["total"], _)
    chart = (
        chart_svg(
            bars,
            rows,
            chart_id="kalibrasi",
            _=_,
            title=_(
                "Sebaran Predikat {year} terhadap kurva Predikat organisasi {predikat}",
                year=period["year"],
                predikat=_(dict(ORGANISATION_PREDIKAT)[chosen]),
            ),
            desc=chart_description(bars, rows, _),
        )
        if report["total"]
        else None
    )
    return render(
        request,
        "hr/calibration.html",
        {**context, "distribution": distribution, "report": report, "bars": bars, "bound_rows": rows, "chart": chart},
    )


@router.get("/kalibrasi/unduh.xlsx")
async def calibration_download(
    request: Request,
    user: Hr,
    period_id: Text = None,
    predikat: Text = None,
    unit_id: Text = None,
    usulan: Annotated[str, Query(max_length=5)] = "ya",
):
    """The page's distribution and calibration as the appraisal-service's workbook."""
    period = chosen_period(await all_periods(request), period_id)
    if period is None:
        raise ServiceNotFound(service="target-service", status=404, detail="no such period")
    params = {
        "include_proposals": str(usulan != "tidak").lower(),
        "organisation_predikat": predikat if predikat in dict(ORGANISATION_PREDIKAT) else "baik",
    }
    if unit_id:
        params["unit_id"] = unit_id
    answer = await api(request).appraisal.download(f"/periods/{period['period_id']}/distribution/export.xlsx", params)
    return passed_on(answer, "sebaran-predikat.xlsx")


@router.post("/kalibrasi/predikat-organisasi")
async def record_organisation_predikat(
    request: Request,
    user: Hr,
    period_id: Annotated[str, Form(min_length=1, max_length=128)],
    predikat: Annotated[str, Form(max_length=32)],
):
    """Record the agency's own predikat of the period (its evaluation's result): the curve the
    province view checks the agency's distribution against."""
    back = f"/pengelola/kalibrasi?period_id={quote(period_id)}"
    if predikat not in dict(ORGANISATION_PREDIKAT):
        flash(request, "Pilih Predikat organisasi.", "error")
        return RedirectResponse(back, status_code=303)
    try:
        await api(request).appraisal.put(
            f"/periods/{quote(period_id, safe='')}/organisation-predikat", json={"organisation_predikat": predikat}
        )
    except ServiceProblem as problem:
        flash(request, problem.detail or "Predikat organisasi tidak dapat dicatat.", "error")
        return RedirectResponse(back, status_code=303)
    flash(request, "Predikat organisasi instansi dicatat.")
    return RedirectResponse(f"{back}&predikat={predikat}", status_code=303)
