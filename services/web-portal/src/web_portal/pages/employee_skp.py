"""Pegawai: my SKP. Drafting for an open period, editing a draft or a returned version, submitting,
the appraiser's notes, version history, and Realisasi per checkpoint with evidence.

What an RHK may link to is target-service's own answer (``GET /skp/link-targets``): the period's IKU
for the head of the agency, otherwise the appraiser's approved RHK in force (utama and tambahan).
"""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceNotFound, ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.employee_skp_form import (
    ASPECTS,
    SHOWN,
    add_row,
    empty_rhk,
    in_our_words,
    parse_number,
    plan_from_rows,
    rows_from_form,
    rows_from_skp,
    values_of,
)
from web_portal.rendering import render as render_page
from web_portal.session import User, flash, require_role

router = APIRouter(prefix="/pegawai")
Employee = Annotated[User, Depends(require_role("employee"))]
Id = Annotated[str, Query(min_length=1, max_length=64)]
NAV = [NavItem("employee", "SKP saya", "/pegawai/skp", order=10)]
EDITABLE = ("draft", "returned")


def render(request: Request, template: str, context: dict, status_code: int = 200):
    return render_page(request, template, {**SHOWN, **context}, status_code=status_code)


async def link_choices(request: Request, period_id: str) -> dict:
    """What this person's RHK may link to: ``{"head_of_agency": bool, "iku": [...], "rhk": [...]}``."""
    return await api(request).target.get("/skp/link-targets", params={"period_id": period_id})


async def _periods(request: Request) -> list[dict]:
    return (await api(request).target.get("/periods")).get("items", [])


def _period(periods: list[dict], period_id: str) -> dict:
    found = next((p for p in periods if p["period_id"] == period_id), None)
    if found is None:
        raise ServiceNotFound("target-service", 404)
    return found


@router.get("/skp")
async def my_skps(request: Request, user: Employee, period_id: Annotated[str | None, Query(max_length=64)] = None):
    periods, mine = await asyncio.gather(_periods(request), api(request).target.get("/me/skp"))
    by_period = {s["period_id"]: s for s in mine.get("items", [])}
    if period_id:
        period = _period(periods, period_id)
        if period_id in by_period:
            return RedirectResponse(f"/pegawai/skp/{by_period[period_id]['skp_id']}", status_code=303)
        return await _editor(request, period, None, [empty_rhk()], {}, [])
    rows = [{"period": p, "skp": by_period.get(p["period_id"])} for p in periods]
    return render(request, "employee/skp_list.html", {"rows": rows})


async def _editor(
    request: Request,
    period: dict,
    skp: dict | None,
    rows: list[dict],
    errors: dict,
    general: list[str],
    status_code: int = 200,
    reason: str | None = None,
):
    """``reason``: not None while starting a revision of the approved SKP (the form then asks why)."""
    choices = await link_choices(request, period["period_id"])
    values = values_of(rows) if reason is None else {**values_of(rows), "reason": reason}
    return render(
        request,
        "employee/skp_form.html",
        {
            "period": period,
            "skp": skp,
            "rows": rows,
            "values": values,
            "errors": errors,
            "general_errors": general,
            "choices": choices,
            "aspects": ASPECTS,
            "revising": reason is not None,
        },
        status_code=status_code,
    )


async def _save(request: Request, period: dict, skp: dict | None, revising: bool = False):
    """The editor's POST: add a row, or send the plan (new SKP, the draft's replacement, or with
    ``revising`` version n+1 of the approved SKP with its reason)."""
    form = await request.form()
    rows = rows_from_form(form)
    reason = str(form.get("reason", "")).strip() if revising else None
    action = str(form.get("aksi", "simpan"))
    if action != "simpan":
        return await _editor(request, period, skp, add_row(rows, action), {}, [], reason=reason)
    plan = plan_from_rows(rows)
    if revising and not reason:
        plan.errors["reason"] = "Wajib diisi."
    if plan.errors:
        return await _editor(request, period, skp, rows, plan.errors, [], status_code=422, reason=reason)
    try:
        if skp is None:
            saved = await api(request).target.post("/skp", json={"period_id": period["period_id"], "rhk": plan.body})
        elif revising:
            saved = await api(request).target.post(
                f"/skp/{skp['skp_id']}/revisions", json={"rhk": plan.body, "reason": reason}
            )
        else:
            saved = await api(request).target.put(f"/skp/{skp['skp_id']}", json={"rhk": plan.body})
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        return await _editor(
            request,
            period,
            skp,
            rows,
            in_our_words(plan.form_errors(problem.field_errors)),
            problem.general_errors,
            status_code=problem.status,
            reason=reason,
        )
    flash(request, "Draf revisi SKP disimpan; ajukan kepada pejabat penilai." if revising else "Draf SKP disimpan.")
    return RedirectResponse(f"/pegawai/skp/{saved['skp_id']}", status_code=303)


@router.post("/skp")
async def create(request: Request, user: Employee):
    form = await request.form()
    period = _period(await _periods(request), str(form.get("period_id", "")))
    return await _save(request, period, None)


def editable_version(skp: dict) -> dict | None:
    """The version the owner may change now: a pending revision, else the first version while draft or returned."""
    revision = skp.get("revision")
    if revision:
        return revision if revision["status"] in EDITABLE else None
    return skp if skp["status"] in EDITABLE else None


def revisable(skp: dict) -> bool:
    """An approved SKP with no revision pending may be revised (version n+1, n staying in force)."""
    return skp["status"] == "approved" and not skp.get("revision")


def _skp_page(request: Request, skp: dict, period: dict, general_errors: list[str] = (), status_code: int = 200):
    return render(
        request,
        "employee/skp.html",
        {
            "skp": skp,
            "period": period,
            "editable": editable_version(skp),
            "revisable": revisable(skp),
            "general_errors": list(general_errors),
        },
        status_code=status_code,
    )


@router.get("/skp/{skp_id}")
async def show(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    return _skp_page(request, skp, period)


@router.get("/skp/{skp_id}/ubah")
async def edit(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    version = editable_version(skp)
    if version is None:
        flash(request, "Versi SKP ini tidak dapat diubah lagi.", "error")
        return RedirectResponse(f"/pegawai/skp/{skp_id}", status_code=303)
    period = _period(await _periods(request), skp["period_id"])
    return await _editor(request, period, skp, rows_from_skp(version["rhk"]), {}, [])


@router.post("/skp/{skp_id}/ubah")
async def save_edit(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    return await _save(request, period, skp)


@router.get("/skp/{skp_id}/revisi")
async def revise(request: Request, user: Employee, skp_id: str):
    """Start a revision: the editor on the version in force (ids kept, so links and realisations stay)
    with the reason the service asks for."""
    skp = await api(request).target.get(f"/skp/{skp_id}")
    if not revisable(skp):
        flash(request, "SKP ini tidak dapat direvisi sekarang.", "error")
        return RedirectResponse(f"/pegawai/skp/{skp_id}", status_code=303)
    period = _period(await _periods(request), skp["period_id"])
    return await _editor(request, period, skp, rows_from_skp(skp["rhk"]), {}, [], reason="")


@router.post("/skp/{skp_id}/revisi")
async def save_revision(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    return await _save(request, period, skp, revising=True)


@router.post("/skp/{skp_id}/ajukan")
async def submit(request: Request, user: Employee, skp_id: str):
    try:
        await api(request).target.post(f"/skp/{skp_id}/submit")
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        skp = await api(request).target.get(f"/skp/{skp_id}")
        period = _period(await _periods(request), skp["period_id"])
        return _skp_page(
            request, skp, period, general_errors=[problem.detail or problem.title], status_code=problem.status
        )
    flash(request, "SKP diajukan kepada pejabat penilai.")
    return RedirectResponse(f"/pegawai/skp/{skp_id}", status_code=303)


@router.get("/skp/{skp_id}/riwayat")
async def history(request: Request, user: Employee, skp_id: str):
    versions = await api(request).target.get(f"/skp/{skp_id}/versions")
    return render(request, "employee/skp_history.html", {"history": versions})


# -- Realisasi -------------------------------------------------------------------------------------------
def realisation_rows(skp: dict, checkpoint_id: str | None) -> list[dict]:
    """Each IKI in force with what was recorded for it at the checkpoint (the latest record)."""
    latest: dict[str, dict] = {}
    for r in skp.get("realizations", []):
        if r.get("checkpoint_id") == checkpoint_id:
            latest[r["iki_id"]] = r
    return [
        {"rhk": rhk, "iki": iki, "recorded": latest.get(iki["iki_id"])}
        for rhk in skp.get("rhk", [])
        for iki in rhk.get("indikator", [])
    ]


def _checkpoint(period: dict, checkpoint_id: str | None) -> dict | None:
    checkpoints = period.get("checkpoints", [])
    if not checkpoints:
        return None
    return next((c for c in checkpoints if c["checkpoint_id"] == checkpoint_id), checkpoints[0])


async def _realisation_page(
    request: Request,
    skp_id: str,
    checkpoint_id: str | None,
    values: dict,
    errors: dict,
    general: list[str],
    status_code: int = 200,
):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    checkpoint = _checkpoint(period, checkpoint_id)
    chosen = checkpoint["checkpoint_id"] if checkpoint else None
    return render(
        request,
        "employee/realisation.html",
        {
            "skp": skp,
            "period": period,
            "checkpoint": checkpoint,
            "rows": realisation_rows(skp, chosen),
            "values": values,
            "errors": errors,
            "general_errors": general,
            "approved": skp["status"] == "approved" or any(v.get("in_force") for v in skp.get("versions", [])),
        },
        status_code=status_code,
    )


@router.get("/skp/{skp_id}/realisasi")
async def realisation(
    request: Request, user: Employee, skp_id: str, checkpoint_id: Annotated[str | None, Query(max_length=64)] = None
):
    return await _realisation_page(request, skp_id, checkpoint_id, {}, {}, [])


def realisation_entries(form) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    """The rows with a value typed: (row, body without checkpoint); and rows whose value is not a number."""
    entries, errors = [], {}
    n = 0
    while f"r.{n}.iki_id" in form and n < 500:
        raw = str(form.get(f"r.{n}.value", "")).strip()
        if raw:
            value = parse_number(raw)
            if value is None:
                errors[f"r.{n}.value"] = "Isi dengan angka."
            else:
                body = {"iki_id": str(form[f"r.{n}.iki_id"]), "value": value}
                evidence = str(form.get(f"r.{n}.evidence", "")).strip()
                if evidence:
                    body["evidence"] = evidence
                entries.append((n, body))
        n += 1
    return entries, errors


@router.post("/skp/{skp_id}/realisasi")
async def record(request: Request, user: Employee, skp_id: str):
    form = await request.form()
    checkpoint_id = str(form.get("checkpoint_id", "")) or None
    entries, errors = realisation_entries(form)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    if not entries and not errors:
        errors["r.0.value"] = "Isi setidaknya satu nilai Realisasi."
    if errors:
        return await _realisation_page(request, skp_id, checkpoint_id, values, errors, [], status_code=422)
    general, status, saved = [], 200, 0
    for n, body in entries:
        try:
            await api(request).target.post(f"/skp/{skp_id}/realizations", json={**body, "checkpoint_id": checkpoint_id})
            saved += 1
            values.pop(f"r.{n}.value", None)
            values.pop(f"r.{n}.evidence", None)
        except ServiceNotFound:
            raise
        except ServiceProblem as problem:
            status = problem.status
            for name, message in in_our_words(problem.field_errors).items():
                errors[f"r.{n}.{name}"] = message
            general += problem.general_errors
    if errors or general:
        return await _realisation_page(request, skp_id, checkpoint_id, values, errors, general, status_code=status)
    flash(request, "Realisasi dicatat.")
    suffix = f"?checkpoint_id={checkpoint_id}" if checkpoint_id else ""
    return RedirectResponse(f"/pegawai/skp/{skp_id}/realisasi{suffix}", status_code=303)
