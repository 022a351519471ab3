"""Pegawai: my appraisal (Predikat) with how appraisal-service reached it, and the Keberatan
(objection) form while its 14 days run; after that the service refuses and the page says so."""

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse

from web_portal import dates
from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.employee_feedback import LEVELS, SOURCES, VALUES
from web_portal.pages.employee_skp_form import N_, SHOWN, in_our_words
from web_portal.rendering import render
from web_portal.session import User, agency_timezone, flash, require_role

router = APIRouter(prefix="/pegawai")
Employee = Annotated[User, Depends(require_role("employee"))]
AppraisalId = Annotated[str, Path(min_length=1, max_length=128)]
NAV = [NavItem("employee", "Penilaian saya", "/pegawai/penilaian", order=30)]

STATES = {
    "proposed": N_("Diusulkan, menunggu pejabat penilai"),
    "final": N_("Final"),
    "superseded": N_("Digantikan hasil keberatan"),
}
KINDS = {"annual": N_("Tahunan"), "periodic": N_("Periodik")}
OBJECTION_STATES = {
    "open": N_("Menunggu keputusan atasan pejabat penilai"),
    "upheld": N_("Hasil tetap"),
    "changed": N_("Hasil diubah"),
}
# The explanation's parts as a person reads them; a key not named here is shown as the service names it.
EXPLAINED = {
    "policy": N_("Kebijakan penilaian"),
    "version": N_("Versi"),
    "parameters": N_("Parameter"),
    "inputs": N_("Data yang dipakai"),
    "skp_id": N_("SKP"),
    "skp_version": N_("Versi SKP"),
    "realizations_used": N_("Realisasi yang dipakai"),
    "feedback_forms": N_("Formulir umpan balik"),
    "citizen_service_score": N_("Nilai kepuasan masyarakat"),
    "checkpoint": N_("Titik pantau"),
    "hasil_kerja": N_("Hasil kerja"),
    "basis": N_("Dasar"),
    "average_capaian_utama": N_("Rata-rata capaian RHK utama"),
    "level_from_average": N_("Tingkat dari rata-rata"),
    "tambahan_lifted": N_("Dinaikkan oleh RHK tambahan"),
    "unit": N_("Unit kerja"),
    "perilaku": N_("Perilaku kerja"),
    "score": N_("Skor"),
    "values_below": N_("Nilai di bawah ekspektasi"),
    "values": N_("Nilai BerAKHLAK"),
    "value": N_("Nilai"),
    "level": N_("Tingkat"),
    "answers": N_("Jumlah jawaban"),
    "evidence": N_("Bukti per sumber"),
    "source": N_("Sumber"),
    "mean": N_("Rata-rata"),
    "weight": N_("Bobot"),
    "withheld": N_("Dirahasiakan"),
    "name": N_("Nama"),
    "starts_on": N_("Mulai"),
    "ends_on": N_("Selesai"),
    "checkpoint_id": N_("Titik pantau"),
    "unit_ids": N_("Unit"),
    "capaian": N_("Capaian"),
    "member_count": N_("Jumlah anggota"),
    "members": N_("Anggota"),
    "nip": N_("NIP"),
}


def days_left(appraisal: dict, today: date) -> int | None:
    """Days the Keberatan window still runs (0: its last day), None when closed or not open to this result."""
    closes = dates.parse(appraisal.get("objection_closes_on"))
    if closes is None or appraisal.get("status") != "final" or appraisal.get("objection_id"):
        return None
    left = (closes - today).days
    return left if left >= 0 else None


def _today(request: Request) -> date:
    return dates.today(agency_timezone(request))


def _context(request: Request, extra: dict) -> dict:
    return {
        **SHOWN,
        "states": STATES,
        "kinds": KINDS,
        "objection_states": OBJECTION_STATES,
        "explained": EXPLAINED,
        "levels": {k.value: v for k, v in LEVELS.items()},
        "values_of": {k.value: v[0] for k, v in VALUES.items()},
        "sources": SOURCES,
        **extra,
    }


@router.get("/penilaian")
async def mine(request: Request, user: Employee):
    services = api(request)
    periods = (await services.target.get("/periods")).get("items", [])
    found = await asyncio.gather(
        *(services.appraisal.get("/me/appraisals", params={"period_id": p["period_id"]}) for p in periods)
    )
    rows = [{"period": p, "appraisals": f.get("appraisals", [])} for p, f in zip(periods, found, strict=True)]
    return render(
        request,
        "employee/appraisals.html",
        _context(request, {"rows": rows, "today": _today(request), "days_left": days_left}),
    )


@router.get("/penilaian/{appraisal_id}")
async def detail(request: Request, user: Employee, appraisal_id: AppraisalId):
    appraisal = await api(request).appraisal.get(f"/appraisals/{appraisal_id}")
    return render(
        request,
        "employee/appraisal.html",
        _context(request, {"a": appraisal, "left": days_left(appraisal, _today(request))}),
    )


def _objection_page(
    request: Request, appraisal: dict, values: dict, errors: dict, general: list[str], status_code: int = 200
):
    return render(
        request,
        "employee/objection.html",
        _context(
            request,
            {
                "a": appraisal,
                "left": days_left(appraisal, _today(request)),
                "values": values,
                "errors": errors,
                "general_errors": general,
            },
        ),
        status_code=status_code,
    )


@router.get("/penilaian/{appraisal_id}/keberatan")
async def objection_form(request: Request, user: Employee, appraisal_id: AppraisalId):
    appraisal = await api(request).appraisal.get(f"/appraisals/{appraisal_id}")
    return _objection_page(request, appraisal, {}, {}, [])


@router.post("/penilaian/{appraisal_id}/keberatan")
async def object_to(request: Request, user: Employee, appraisal_id: AppraisalId):
    services = api(request)
    appraisal = await services.appraisal.get(f"/appraisals/{appraisal_id}")
    form = await request.form()
    reasons = str(form.get("reasons", "")).strip()
    values = {"reasons": reasons}
    if not reasons:
        return _objection_page(
            request, appraisal, values, {"reasons": "Tuliskan alasan keberatan Anda."}, [], status_code=422
        )
    try:
        await services.appraisal.post(f"/appraisals/{appraisal_id}/objections", json={"reasons": reasons})
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        # e.g. the window has closed: the service's own words, beside the form
        general = problem.general_errors if not problem.field_errors else []
        return _objection_page(
            request, appraisal, values, in_our_words(problem.field_errors), general, status_code=problem.status
        )
    flash(request, "Keberatan Anda diajukan kepada atasan pejabat penilai.")
    return RedirectResponse(f"/pegawai/penilaian/{appraisal_id}", status_code=303)
