"""Pengelola kinerja: performance periods with their checkpoints, the agency IKU of a period, closing
a period, and the cascade tree from an IKU down to the RHK that support it."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, all_periods
from web_portal.rendering import render
from web_portal.session import flash

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Periode dan IKU", "/pengelola/periode", order=30)]
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
CHECKPOINT_CHOICES = (
    ("3", "Triwulan (4 titik periksa)"),
    ("1", "Bulanan"),
    ("2", "Dua bulanan"),
    ("4", "Caturwulan"),
    ("6", "Semester"),
    ("12", "Tahunan (1 titik periksa)"),
)


def period_body(form) -> dict:
    body: dict = {"year": (form.get("year") or "").strip()}
    if form.get("checkpoint_months"):
        body["checkpoint_months"] = form.get("checkpoint_months")
    return body


def iku_body(form) -> dict:
    return {
        "code": (form.get("code") or "").strip(),
        "description": (form.get("description") or "").strip(),
        "target": (form.get("target") or "").strip().replace(",", "."),
        "unit": (form.get("unit") or "").strip(),
        "higher_is_better": form.get("higher_is_better", "true") == "true",
    }


async def periods_page(request: Request, values: dict, errors=None, general=None, status_code: int = 200):
    return render(
        request,
        "hr/periods.html",
        {
            "periods": await all_periods(request),
            "values": values,
            "errors": errors or {},
            "general_errors": general or [],
            "checkpoint_choices": CHECKPOINT_CHOICES,
        },
        status_code=status_code,
    )


@router.get("/periode")
async def periods(request: Request, user: Hr):
    return await periods_page(request, {"checkpoint_months": "3"})


@router.post("/periode")
async def open_period(request: Request, user: Hr):
    form = await request.form()
    try:
        opened = await api(request).target.post("/periods", json=period_body(form))
    except ServiceProblem as problem:
        return await periods_page(request, dict(form), problem.field_errors, problem.general_errors, problem.status)
    flash(request, "Periode dibuka.")
    return RedirectResponse(f"/pengelola/periode/{opened['period_id']}", status_code=303)


async def period_page(
    request: Request, period_id: str, values: dict, errors=None, general=None, status_code: int = 200
):
    target = api(request).target
    period = await target.get(f"/periods/{period_id}")
    iku = (await target.get(f"/periods/{period_id}/iku")).get("items", [])
    return render(
        request,
        "hr/period.html",
        {"period": period, "iku": iku, "values": values, "errors": errors or {}, "general_errors": general or []},
        status_code=status_code,
    )


@router.get("/periode/{period_id}")
async def period(request: Request, user: Hr, period_id: Id):
    return await period_page(request, period_id, {"higher_is_better": "true"})


@router.post("/periode/{period_id}/iku")
async def define_iku(request: Request, user: Hr, period_id: Id):
    form = await request.form()
    try:
        await api(request).target.post(f"/periods/{period_id}/iku", json=iku_body(form))
    except ServiceProblem as problem:
        return await period_page(
            request, period_id, dict(form), problem.field_errors, problem.general_errors, problem.status
        )
    flash(request, "IKU disimpan.")
    return RedirectResponse(f"/pengelola/periode/{period_id}#iku", status_code=303)


@router.post("/periode/{period_id}/tutup")
async def close_period(request: Request, user: Hr, period_id: Id):
    try:
        await api(request).target.post(f"/periods/{period_id}/close")
    except ServiceProblem as problem:
        return await period_page(
            request, period_id, {"higher_is_better": "true"}, {}, problem.general_errors, problem.status
        )
    flash(request, "Periode ditutup. Penilaian dapat dimulai.")
    return RedirectResponse(f"/pengelola/periode/{period_id}", status_code=303)


@router.get("/iku/{iku_id}/kaskade")
async def cascade(request: Request, user: Hr, iku_id: Id):
    tree = await api(request).target.get(f"/iku/{iku_id}/cascade")
    return render(request, "hr/cascade.html", {"iku": tree})
