"""Pegawai: the home page, "what needs doing", built from the four services' own answers.

The links name the employee pages the portal has (or will have): /pegawai/skp (the SKP editor),
/pegawai/skp/{skp_id}/realisasi, /pegawai/umpan-balik/{round_id}, /pegawai/pengembangan and
/pegawai/penilaian/{appraisal_id}/keberatan.
"""

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from web_portal import dates
from web_portal.clients import api, section
from web_portal.navigation import NavItem
from web_portal.rendering import render
from web_portal.session import User, agency_timezone, require_role

router = APIRouter(prefix="/pegawai")
Employee = Annotated[User, Depends(require_role("employee"))]
NAV = [NavItem("employee", "Beranda", "/pegawai", order=0)]


@dataclass(frozen=True)
class Todo:
    """One thing the employee should do: ``text`` is Indonesian with ``{}`` values (translated when shown)."""

    kind: str  # skp, realisasi, umpan_balik, pengembangan, keberatan
    text: str
    link: str
    values: dict
    urgent: bool = False


def skp_todos(periods: list[dict], skps: list[dict], today: date) -> list[Todo]:
    """Per open period: an SKP to draft, to complete and submit, or to revise; once approved, the
    realisation of each checkpoint begun that still misses an IKI's value."""
    found = []
    by_period = {s["period_id"]: s for s in skps}
    for period in periods:
        if period.get("status") != "open":
            continue
        year = period["year"]
        skp = by_period.get(period["period_id"])
        if skp is None:
            found.append(
                Todo(
                    "skp",
                    "Susun SKP tahun {year}",
                    f"/pegawai/skp?period_id={period['period_id']}",
                    {"year": year},
                    urgent=True,
                )
            )
            continue
        status = skp["status"]
        link = f"/pegawai/skp/{skp['skp_id']}"
        if status == "draft":
            found.append(Todo("skp", "Lengkapi dan ajukan SKP tahun {year}", link, {"year": year}, urgent=True))
        elif status == "returned":
            found.append(
                Todo(
                    "skp",
                    "Perbaiki SKP tahun {year} yang dikembalikan: {notes}",
                    link,
                    {"year": year, "notes": skp.get("notes") or ""},
                    urgent=True,
                )
            )
        elif status == "submitted":
            found.append(Todo("skp", "SKP tahun {year} menunggu persetujuan pejabat penilai", link, {"year": year}))
        elif status == "approved":
            found += realisation_todos(period, skp, today)
    return found


def realisation_todos(period: dict, skp: dict, today: date) -> list[Todo]:
    iki_ids = {i["iki_id"] for rhk in skp.get("rhk", []) for i in rhk.get("indikator", [])}
    recorded: dict[str | None, set[str]] = {}
    for r in skp.get("realizations", []):
        recorded.setdefault(r.get("checkpoint_id"), set()).add(r["iki_id"])
    found = []
    for checkpoint in period.get("checkpoints", []):
        if dates.parse(checkpoint["starts_on"]) > today:
            continue
        missing = len(iki_ids - recorded.get(checkpoint["checkpoint_id"], set()))
        if missing:
            found.append(
                Todo(
                    "realisasi",
                    "Catat Realisasi {checkpoint}: {missing} IKI belum diisi",
                    f"/pegawai/skp/{skp['skp_id']}/realisasi?checkpoint_id={checkpoint['checkpoint_id']}",
                    {"checkpoint": checkpoint["name"], "missing": missing},
                    urgent=dates.parse(checkpoint["ends_on"]) < today,
                )
            )
    return found


def feedback_todos(assigned: list[dict], me: str) -> list[Todo]:
    found = []
    for r in assigned:
        if r.get("answered"):
            continue
        text = (
            "Isi penilaian diri (umpan balik 360°)"
            if r["nip"] == me
            else "Isi umpan balik 360° untuk rekan kerja {nip}"
        )
        found.append(Todo("umpan_balik", text, f"/pegawai/umpan-balik/{r['round_id']}", {"nip": r["nip"]}))
    return found


def plan_todos(plans: dict) -> list[Todo]:
    current = next((p for p in plans.get("plans", []) if p["plan_id"] == plans.get("current_plan_id")), None)
    if current is None:
        return []
    return [
        Todo(
            "pengembangan",
            "{title} ({jp} JP), tenggat {due}",
            "/pegawai/pengembangan",
            {"title": i["title"], "jp": i["jp"], "due": dates.parse(i.get("due_on"))},
            urgent=bool(i.get("overdue")),
        )
        for i in current.get("items", [])
        if i.get("status") != "completed" and i.get("due_on")
    ]


def objection_todos(appraisals: list[dict], today: date) -> list[Todo]:
    found = []
    for a in appraisals:
        closes = dates.parse(a.get("objection_closes_on"))
        if a.get("kind") != "annual" or a.get("status") != "final" or closes is None or a.get("objection_id"):
            continue
        days_left = (closes - today).days
        if days_left >= 0:
            found.append(
                Todo(
                    "keberatan",
                    "Masa Keberatan atas Predikat Anda terbuka sampai {closes} (sisa {days} hari)",
                    f"/pegawai/penilaian/{a['appraisal_id']}/keberatan",
                    {"closes": closes, "days": days_left},
                    urgent=days_left <= 3,
                )
            )
    return found


@router.get("")
async def home(request: Request, user: Employee):
    services = api(request)
    today = dates.today(agency_timezone(request))
    periods, skps, assigned, plans = await asyncio.gather(
        section(services.target.get("/periods")),
        section(services.target.get("/me/skp")),
        section(services.feedback.get("/feedback-rounds/assigned")),
        section(services.training.get(f"/employees/{user.nip}/plans")),
    )
    period_list = (periods or {}).get("items", [])
    # The objection window follows a final result: only closed periods have one.
    closed = [p for p in period_list if p.get("status") == "closed"][-2:]
    appraisals = await asyncio.gather(
        *(section(services.appraisal.get("/me/appraisals", params={"period_id": p["period_id"]})) for p in closed)
    )
    sections = {
        "skp": None if periods is None or skps is None else skp_todos(period_list, skps.get("items", []), today),
        "umpan_balik": None if assigned is None else feedback_todos(assigned.get("rounds", []), user.nip),
        "pengembangan": None if plans is None else plan_todos(plans),
        "keberatan": None
        if any(a is None for a in appraisals)
        else objection_todos([row for a in appraisals for row in a.get("appraisals", [])], today),
    }
    return render(request, "employee/home.html", {"sections": sections})
