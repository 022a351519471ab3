"""Pegawai: 360° feedback. The forms I was named to answer (the seven BerAKHLAK values on the
service's three levels) and my own results, exactly as anonymised as feedback-service gives them."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi

from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.employee_skp_form import N_, SHOWN, in_our_words
from web_portal.rendering import render
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/pegawai")
Employee = Annotated[User, Depends(require_role("employee"))]
RoundId = Annotated[str, Path(min_length=1, max_length=36)]
NAV = [NavItem("employee", "Umpan balik 360°", "/pegawai/umpan-balik", order=20)]

VALUES = {
    BerakhlakValue.BERORIENTASI_PELAYANAN: (
        "Berorientasi Pelayanan",
        N_("Memahami dan memenuhi kebutuhan masyarakat, ramah dan solutif."),
    ),
    BerakhlakValue.AKUNTABEL: ("Akuntabel", N_("Jujur, bertanggung jawab, cermat, disiplin dan berintegritas.")),
    BerakhlakValue.KOMPETEN: (
        "Kompeten",
        N_("Terus belajar dan mengembangkan kapabilitas, melaksanakan tugas dengan kualitas terbaik."),
    ),
    BerakhlakValue.HARMONIS: (
        "Harmonis",
        N_("Saling peduli dan menghargai perbedaan, membangun lingkungan kerja yang kondusif."),
    ),
    BerakhlakValue.LOYAL: (
        "Loyal",
        N_("Berdedikasi, mengutamakan kepentingan bangsa dan negara, menjaga nama baik instansi."),
    ),
    BerakhlakValue.ADAPTIF: (
        "Adaptif",
        N_("Cepat menyesuaikan diri menghadapi perubahan, terus berinovasi dan kreatif."),
    ),
    BerakhlakValue.KOLABORATIF: (
        "Kolaboratif",
        N_("Membangun kerja sama yang sinergis, terbuka bekerja sama untuk nilai tambah."),
    ),
}
LEVELS = {
    Ekspektasi.DI_BAWAH: N_("Di bawah ekspektasi"),
    Ekspektasi.SESUAI: N_("Sesuai ekspektasi"),
    Ekspektasi.DI_ATAS: N_("Di atas ekspektasi"),
}
SOURCES = {
    "appraiser": N_("Pejabat penilai"),
    "self": N_("Diri sendiri"),
    "peer": N_("Rekan kerja"),
    "subordinate": N_("Bawahan"),
}
# feedback-service's reasons for withholding an anonymous source, in the portal's words; others as sent.
REASONS = {
    "shown once the round is closed": N_("Ditampilkan setelah putaran umpan balik ditutup."),
    "shown once at least 3 answers from givers other than the reader exist": N_(
        "Ditampilkan setelah ada sedikitnya 3 jawaban dari pemberi selain Anda."
    ),
}
SHOWN_HERE = {**SHOWN, "values_of": VALUES, "levels": LEVELS, "sources": SOURCES, "reasons": REASONS}


def read_ratings(form) -> tuple[dict, dict[str, str]]:
    """The answer's body from the form, and the values still without a level (named by field)."""
    ratings, errors = {}, {}
    for value in BerakhlakValue:
        level = form.get(f"ratings.{value.value}")
        if level in {e.value for e in Ekspektasi}:
            ratings[value.value] = level
        else:
            errors[f"ratings.{value.value}"] = "Pilih salah satu tingkat."
    body: dict = {"ratings": ratings}
    comment = str(form.get("comment", "")).strip()
    if comment:
        body["comment"] = comment
    return body, errors


async def _assigned(request: Request, round_id: str) -> dict:
    rounds = (await api(request).feedback.get("/feedback-rounds/assigned")).get("rounds", [])
    found = next((r for r in rounds if r["round_id"] == round_id), None)
    if found is None:  # not named in it, or it is closed: the same page as a missing round
        raise ServiceNotFound("feedback-service", 404)
    return found


def _default_period(periods: list[dict]) -> str | None:
    opened = [p for p in periods if p.get("status") == "open"]
    chosen = (opened or periods)[-1:] if periods else []
    return chosen[0]["period_id"] if chosen else None


@router.get("/umpan-balik")
async def overview(request: Request, user: Employee, period_id: Annotated[str | None, Query(max_length=64)] = None):
    services = api(request)
    assigned, periods = await asyncio.gather(
        services.feedback.get("/feedback-rounds/assigned"), services.target.get("/periods")
    )
    period_list = periods.get("items", [])
    chosen = period_id or _default_period(period_list)
    results = None
    if chosen:
        try:
            results = await services.feedback.get(f"/employees/{user.nip}/feedback", params={"period_id": chosen})
        except ServiceNotFound:
            results = None  # feedback-service does not know the period or me yet
    return render(
        request,
        "employee/feedback.html",
        {
            **SHOWN_HERE,
            "assigned": assigned.get("rounds", []),
            "periods": period_list,
            "period_id": chosen,
            "results": results,
            "me": user.nip,
        },
    )


def _form(
    request: Request, found: dict, user: User, values: dict, errors: dict, general: list[str], status_code: int = 200
):
    return render(
        request,
        "employee/feedback_form.html",
        {
            **SHOWN_HERE,
            "round": found,
            "me": user.nip,
            "values": values,
            "errors": errors,
            "general_errors": general,
        },
        status_code=status_code,
    )


@router.get("/umpan-balik/{round_id}")
async def form(request: Request, user: Employee, round_id: RoundId):
    return _form(request, await _assigned(request, round_id), user, {}, {}, [])


@router.post("/umpan-balik/{round_id}")
async def answer(request: Request, user: Employee, round_id: RoundId):
    found = await _assigned(request, round_id)
    submitted = await request.form()
    body, errors = read_ratings(submitted)
    values = {k: str(v) for k, v in submitted.items() if k != "csrf_token"}
    if errors:
        return _form(request, found, user, values, errors, [], status_code=422)
    try:
        await api(request).feedback.put(f"/feedback-rounds/{round_id}/answer", json=body)
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        return _form(
            request,
            found,
            user,
            values,
            in_our_words(problem.field_errors),
            problem.general_errors,
            status_code=problem.status,
        )
    flash(request, "Umpan balik Anda tersimpan. Terima kasih.")
    return RedirectResponse("/pegawai/umpan-balik", status_code=303)
