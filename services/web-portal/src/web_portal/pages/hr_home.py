"""Pengelola kinerja (agency HR): the home page, what needs doing in the agency's year, and the
way to every HR page."""

import asyncio
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request

from web_portal import dates
from web_portal.clients import api, section
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr
from web_portal.rendering import render
from web_portal.session import agency_timezone

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Beranda", "/pengelola", order=0)]


@dataclass(frozen=True)
class Todo:
    """One thing HR should do: ``text`` is Indonesian with ``{}`` values (translated when shown)."""

    kind: str
    text: str
    link: str
    values: dict
    urgent: bool = False


def setup_todos(units: list[dict], roster_total: int) -> list[Todo]:
    found = []
    if not units:
        found.append(Todo("unit", "Susun pohon unit kerja instansi", "/pengelola/unit", {}, urgent=True))
    if roster_total == 0:
        found.append(Todo("pegawai", "Impor daftar pegawai (CSV atau Excel)", "/pengelola/pegawai", {}, urgent=True))
    return found


def period_todos(periods: list[dict], iku_counts: dict[str, int], today: date) -> list[Todo]:
    """A period to open for this year; per open period, IKU to define and, once it has ended, closing it."""
    found = []
    if not any(p["year"] == today.year for p in periods):
        found.append(
            Todo(
                "periode", "Buka periode kinerja tahun {year}", "/pengelola/periode", {"year": today.year}, urgent=True
            )
        )
    for p in periods:
        if p.get("status") != "open":
            continue
        link = f"/pengelola/periode/{p['period_id']}"
        if not iku_counts.get(p["period_id"]):
            found.append(Todo("periode", "Tetapkan IKU instansi periode {year}", link, {"year": p["year"]}))
        if dates.parse(p["ends_on"]) < today:
            found.append(
                Todo(
                    "periode",
                    "Periode {year} sudah berakhir: tutup agar penilaian dimulai",
                    link,
                    {"year": p["year"]},
                    urgent=True,
                )
            )
    return found


def transfer_todos(pending: int) -> list[Todo]:
    if not pending:
        return []
    return [
        Todo(
            "mutasi",
            "{count} permintaan mutasi masuk menunggu keputusan",
            "/pengelola/mutasi",
            {"count": pending},
            urgent=True,
        )
    ]


def claim_todos(employees: list[dict], year: int) -> list[Todo]:
    claiming = [e for e in employees if e.get("claimed_jp")]
    if not claiming:
        return []
    return [
        Todo(
            "jp",
            "Klaim JP dari {count} pegawai menunggu verifikasi",
            f"/pengelola/pengembangan?year={year}",
            {"count": len(claiming)},
        )
    ]


@router.get("")
async def home(request: Request, user: Hr):
    services = api(request)
    today = dates.today(agency_timezone(request))
    units, roster, periods, transfers, development = await asyncio.gather(
        section(services.target.get("/units")),
        section(services.target.get("/employees", params={"limit": 1})),
        section(services.target.get("/periods")),
        section(
            services.target.get("/transfer-requests", params={"direction": "incoming", "status": "pending", "limit": 1})
        ),
        section(services.training.get("/reports/development", params={"year": today.year, "limit": 1000})),
    )
    period_list = (periods or {}).get("items", [])
    open_periods = [p for p in period_list if p.get("status") == "open"]
    iku = await asyncio.gather(*(section(services.target.get(f"/periods/{p['period_id']}/iku")) for p in open_periods))
    todos: list[Todo] = []
    missing = []
    if units is None or roster is None:
        missing.append("target-service")
    else:
        todos += setup_todos(units.get("units", []), roster.get("total", 0))
    if periods is None or any(i is None for i in iku):
        missing.append("target-service")
    else:
        todos += period_todos(
            period_list,
            {p["period_id"]: len(i.get("items", [])) for p, i in zip(open_periods, iku, strict=True)},
            today,
        )
    todos += transfer_todos((transfers or {}).get("total", 0))
    if development is None:
        missing.append("training-service")
    else:
        todos += claim_todos(development["jp_fulfilment"]["employees"], today.year)
    return render(
        request, "hr/home.html", {"todos": sorted(todos, key=lambda t: not t.urgent), "incomplete": bool(missing)}
    )
