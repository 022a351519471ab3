"""Admin provinsi (the province admin, BKD): the province view across every agency, one page per
report of the services' ``/province/*`` routes, each a table (the predikat distribution with each
agency's curve, drawn by the calibration chart of the HR pages).

Agencies are named by target-service's registry (``GET /agencies``) when it answers; otherwise
(a registry not there yet, or down) by their ids. Only the talent pool names people."""

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from web_portal import dates
from web_portal.calibration_chart import (
    PREDIKAT_LABELS,
    PREDIKAT_ORDER,
    bound_rows,
    chart_description,
    chart_svg,
    distribution_bars,
)
from web_portal.clients import api, section
from web_portal.i18n import language_of, translator
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Offset, Pager
from web_portal.rendering import render
from web_portal.session import User, agency_timezone, require_role

router = APIRouter(prefix="/provinsi")
ROLE = "province_admin"
Admin = Annotated[User, Depends(require_role(ROLE))]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
PAGE = 100
NAV = [
    NavItem(ROLE, "Beranda", "/provinsi", order=0),
    NavItem(ROLE, "Sebaran Predikat", "/provinsi/predikat", order=10),
    NavItem(ROLE, "Kemajuan SKP", "/provinsi/skp", order=20),
    NavItem(ROLE, "Keberatan", "/provinsi/keberatan", order=30),
    NavItem(ROLE, "IKM layanan publik", "/provinsi/ikm", order=40),
    NavItem(ROLE, "Pengembangan dan 20 JP", "/provinsi/pengembangan", order=50),
    NavItem(ROLE, "Talent pool", "/provinsi/talenta", order=60),
]
ORGANISATION_PREDIKAT = {
    "istimewa": "Istimewa",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang",
    "sangat_kurang": "Sangat Kurang",
}


def the_year(request: Request, year: int | None) -> int:
    return year or dates.today(agency_timezone(request)).year


async def agency_names(request: Request) -> dict[str, str]:
    """Agency id -> name from target-service's registry; empty when it does not answer (the pages
    then show ids)."""
    found = await section(api(request).target.get("/agencies"))
    items = found.get("items", []) if isinstance(found, dict) else []
    return {a["agency_id"]: a.get("name") or a["agency_id"] for a in items if isinstance(a, dict) and "agency_id" in a}


async def report_and_names(request: Request, call) -> tuple[dict, dict[str, str]]:
    """The report (its service's refusals and outages become the usual pages) and the names."""
    names = asyncio.ensure_future(agency_names(request))
    try:
        report = await call
    finally:
        found = await names
    return report, found


def share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@router.get("")
async def home(request: Request, user: Admin):
    return render(request, "province/home.html", {"year": the_year(request, None)})


@router.get("/predikat")
async def predikat(request: Request, user: Admin, year: Year = None):
    year = the_year(request, year)
    _ = translator(language_of(request))
    report, names = await report_and_names(
        request, api(request).appraisal.get("/province/predikat-distribution", params={"year": year})
    )
    agencies = []
    for n, row in enumerate(report.get("agencies", [])):
        name = names.get(row["agency_id"], row["agency_id"])
        bars = distribution_bars(row["counts"])
        rows = bound_rows(row.get("bounds") or [], row["total"], _)
        organisation = row.get("organisation_predikat")
        title = (
            _(
                "Sebaran Predikat {agency} {year} terhadap kurva Predikat organisasi {predikat}",
                agency=name,
                year=year,
                predikat=_(ORGANISATION_PREDIKAT.get(organisation, organisation)),
            )
            if organisation
            else _("Sebaran Predikat {agency} {year}", agency=name, year=year)
        )
        chart = (
            chart_svg(bars, rows, title=title, desc=chart_description(bars, rows, _), chart_id=f"instansi-{n}", _=_)
            if row["total"]
            else None
        )
        agencies.append({**row, "name": name, "bars": bars, "bound_rows": rows, "chart": chart})
    return render(
        request,
        "province/predikat.html",
        {
            "year": year,
            "report": report,
            "agencies": agencies,
            "predikat_labels": PREDIKAT_LABELS,
            "predikat_order": PREDIKAT_ORDER,
            "organisation_labels": ORGANISATION_PREDIKAT,
        },
    )


@router.get("/skp")
async def skp_progress(request: Request, user: Admin, year: Year = None, on: Annotated[date | None, Query()] = None):
    year = the_year(request, year)
    params = {"year": year} | ({"on": on.isoformat()} if on else {})
    report, names = await report_and_names(request, api(request).target.get("/province/skp-progress", params=params))
    rows = [
        {
            **row,
            "name": names.get(row["agency_id"], row["agency_id"]),
            "approved_share": share(row["approved"], row["employees"]),
        }
        for row in report.get("agencies", [])
    ]
    return render(request, "province/skp.html", {"year": year, "report": report, "rows": rows})


@router.get("/keberatan")
async def objections(request: Request, user: Admin, year: Year = None):
    year = the_year(request, year)
    report, names = await report_and_names(
        request, api(request).appraisal.get("/province/objections", params={"year": year})
    )
    rows = [{**row, "name": names.get(row["agency_id"], row["agency_id"])} for row in report.get("agencies", [])]
    return render(request, "province/objections.html", {"year": year, "report": report, "rows": rows})


@router.get("/ikm")
async def satisfaction(request: Request, user: Admin, year: Year = None, offset: Offset = 0):
    year = the_year(request, year)
    report, names = await report_and_names(
        request,
        api(request).feedback.get("/province/satisfaction", params={"year": year, "limit": PAGE, "offset": offset}),
    )
    rows = [{**row, "agency": names.get(row["agency_id"], row["agency_id"])} for row in report.get("units", [])]
    return render(
        request,
        "province/satisfaction.html",
        {
            "year": year,
            "report": report,
            "rows": rows,
            "pager": Pager(offset, PAGE, len(rows)),
            "pager_query": f"&year={year}",
        },
    )


@router.get("/pengembangan")
async def development(request: Request, user: Admin, year: Year = None):
    year = the_year(request, year)
    report, names = await report_and_names(
        request, api(request).training.get("/province/development", params={"year": year})
    )
    rows = [
        {
            **row,
            "name": names.get(row["agency_id"], row["agency_id"]),
            "fulfilled_share": share(row["fulfilled"], row["employees"]),
        }
        for row in report.get("agencies", [])
    ]
    return render(request, "province/development.html", {"year": year, "report": report, "rows": rows})


@router.get("/talenta")
async def talent_pool(request: Request, user: Admin, year: Year = None, offset: Offset = 0):
    year = the_year(request, year)
    report, names = await report_and_names(
        request,
        api(request).training.get("/province/talent-pool", params={"year": year, "limit": PAGE, "offset": offset}),
    )
    rows = [{**row, "agency": names.get(row["agency_id"], row["agency_id"])} for row in report.get("nominations", [])]
    return render(
        request,
        "province/talent_pool.html",
        {
            "year": year,
            "rows": rows,
            "pager": Pager(offset, PAGE, len(rows)),
            "pager_query": f"&year={year}",
        },
    )
