"""Masyarakat: a public-service unit's satisfaction survey (SKM) and its IKM, no sign-in, mobile first.

Reached from the unit's QR code: /survei/{agency_id}/{unit_id}.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse
from kinerja_contracts.vocabulary import SkmElement

from web_portal.clients import ServiceNotFound, ServiceProblem, public_api
from web_portal.rendering import render

router = APIRouter()
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]

# The nine elements of PermenPANRB 14/2017 asked in plain words, with the answer of each score 1-4.
QUESTIONS: dict[SkmElement, tuple[str, tuple[str, str, str, str]]] = {
    SkmElement.PERSYARATAN: (
        "Apakah persyaratan pelayanan sesuai dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    SkmElement.PROSEDUR: (
        "Seberapa mudah prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    SkmElement.WAKTU_PENYELESAIAN: (
        "Seberapa cepat pelayanan diselesaikan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    SkmElement.BIAYA_TARIF: (
        "Seberapa wajar biaya atau tarif pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    SkmElement.PRODUK_LAYANAN: (
        "Apakah hasil pelayanan sesuai dengan yang dijanjikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    SkmElement.KOMPETENSI_PELAKSANA: (
        "Seberapa mampu petugas memberikan pelayanan?",
        ("Tidak mampu", "Kurang mampu", "Mampu", "Sangat mampu"),
    ),
    SkmElement.PERILAKU_PELAKSANA: (
        "Bagaimana kesopanan dan keramahan petugas?",
        ("Tidak sopan", "Kurang sopan", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    SkmElement.PENANGANAN_PENGADUAN: (
        "Bagaimana pengaduan, saran dan masukan ditangani?",
        ("Tidak ditangani", "Ditangani tetapi tidak tuntas", "Ditangani kurang baik", "Ditangani dengan baik"),
    ),
    SkmElement.SARANA_PRASARANA: (
        "Bagaimana kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
}
COMMENT_MAX = 500


def base(agency_id: str, unit_id: str) -> str:
    return f"/public/agencies/{agency_id}/units/{unit_id}"


def read_answer(form) -> tuple[dict, dict[str, str]]:
    """The service's body from the form, and the fields the citizen must still fill in (checked
    here first, so each missing element is named next to its question)."""
    elements, errors = {}, {}
    for element in SkmElement:
        raw = form.get(f"elements.{element.value}")
        if raw in ("1", "2", "3", "4"):
            elements[element.value] = int(raw)
        else:
            errors[f"elements.{element.value}"] = "Pilih salah satu jawaban."
    body = {"submission_id": str(form.get("submission_id") or uuid.uuid4()), "elements": elements}
    officer = (form.get("officer_nip") or "").strip()
    if officer:
        body["officer_nip"] = officer
    comment = (form.get("comment") or "").strip()
    if comment:
        body["comment"] = comment
    return body, errors


def survey_page(
    request: Request,
    unit: dict,
    agency_id: str,
    values: dict,
    errors: dict[str, str],
    general: list[str] = (),
    status_code: int = 200,
):
    return render(
        request,
        "survey/form.html",
        {
            "unit": unit,
            "agency_id": agency_id,
            "questions": QUESTIONS,
            "values": values,
            "errors": errors,
            "general_errors": list(general),
            "comment_max": COMMENT_MAX,
        },
        status_code=status_code,
    )


@router.get("/survei/{agency_id}/{unit_id}")
async def survey(request: Request, agency_id: Id, unit_id: Id):
    unit = await public_api(request).feedback.get(f"{base(agency_id, unit_id)}/satisfaction")
    return survey_page(request, unit, agency_id, {"submission_id": str(uuid.uuid4())}, {})


@router.post("/survei/{agency_id}/{unit_id}")
async def answer(request: Request, agency_id: Id, unit_id: Id):
    services = public_api(request)
    unit = await services.feedback.get(f"{base(agency_id, unit_id)}/satisfaction")
    form = await request.form()
    body, errors = read_answer(form)
    values = {**{k: v for k, v in form.items() if k != "csrf_token"}, "submission_id": body["submission_id"]}
    if errors:
        return survey_page(request, unit, agency_id, values, errors, status_code=422)
    try:
        await services.feedback.post(f"{base(agency_id, unit_id)}/survey-answers", json=body)
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        general = problem.general_errors
        if problem.status == 429:
            general = ["Terlalu banyak jawaban dari perangkat ini. Silakan coba lagi nanti."]
        elif problem.status == 409 and "already received" in problem.detail:
            return RedirectResponse(f"/survei/{agency_id}/{unit_id}/terima-kasih", status_code=303)
        return survey_page(request, unit, agency_id, values, problem.field_errors, general, status_code=problem.status)
    return RedirectResponse(f"/survei/{agency_id}/{unit_id}/terima-kasih", status_code=303)


@router.get("/survei/{agency_id}/{unit_id}/terima-kasih")
async def thanks(request: Request, agency_id: Id, unit_id: Id):
    unit = await public_api(request).feedback.get(f"{base(agency_id, unit_id)}/satisfaction")
    return render(request, "survey/thanks.html", {"unit": unit, "agency_id": agency_id})


@router.get("/ikm/{agency_id}/{unit_id}")
async def ikm(request: Request, agency_id: Id, unit_id: Id):
    unit = await public_api(request).feedback.get(f"{base(agency_id, unit_id)}/satisfaction")
    return render(request, "survey/ikm.html", {"unit": unit, "agency_id": agency_id, "questions": QUESTIONS})
