"""Pegawai: my SKP. Drafting for an open period, editing a draft or a returned version, submitting,
the appraiser's notes, version history, and Realisasi per checkpoint with evidence.

What an RHK may support is found from what target-service lets an employee read: their appraiser
(``GET /employees/{me}``) and the period's cascade from each IKU (``GET /iku/{id}/cascade``), in
which the appraiser's approved RHK appear (the employee's reporting line); the head of the agency
(the root unit's head, or someone without an appraiser) chooses an IKU of the period instead.
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


def _appraiser_rhk(nodes: list[dict], appraiser: str | None, found: dict[str, dict]) -> None:
    for node in nodes:
        if node["nip"] == appraiser and node.get("skp_status") == "approved":
            found.setdefault(node["rhk_id"], node)
        _appraiser_rhk(node.get("supported_by", []), appraiser, found)


def _root_heads(units: list[dict]) -> set[str]:
    return {u["head_nip"] for u in units if not u.get("parent_unit_id") and u.get("head_nip")}


async def link_choices(request: Request, user: User, period_id: str) -> dict:
    """What this person's RHK may link to: ``{"head": bool, "iku": [...], "rhk": [...]}``."""
    services = api(request)
    me, units, iku = await asyncio.gather(
        services.target.get(f"/employees/{user.nip}"), services.target.get("/units"),
        services.target.get(f"/periods/{period_id}/iku"))
    iku_list = iku.get("items", [])
    appraiser = me.get("appraiser_nip")
    head = appraiser is None or user.nip in _root_heads(units.get("units", []))
    found: dict[str, dict] = {}
    if not head:
        trees = await asyncio.gather(*(services.target.get(f"/iku/{i['iku_id']}/cascade") for i in iku_list))
        for cascade in trees:
            _appraiser_rhk(cascade.get("rhk", []), appraiser, found)
    return {"head": head, "iku": iku_list, "rhk": list(found.values())}


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
        return await _editor(request, user, period, None, [empty_rhk()], {}, [])
    rows = [{"period": p, "skp": by_period.get(p["period_id"])} for p in periods]
    return render(request, "employee/skp_list.html", {"rows": rows})


async def _editor(request: Request, user: User, period: dict, skp: dict | None, rows: list[dict],
                  errors: dict, general: list[str], status_code: int = 200):
    choices = await link_choices(request, user, period["period_id"])
    return render(request, "employee/skp_form.html", {
        "period": period, "skp": skp, "rows": rows, "values": values_of(rows), "errors": errors,
        "general_errors": general, "choices": choices, "aspects": ASPECTS,
    }, status_code=status_code)


async def _save(request: Request, user: User, period: dict, skp: dict | None):
    """The editor's POST: add a row, or send the plan (new SKP or the draft's replacement)."""
    form = await request.form()
    rows = rows_from_form(form)
    action = str(form.get("aksi", "simpan"))
    if action != "simpan":
        return await _editor(request, user, period, skp, add_row(rows, action), {}, [])
    plan = plan_from_rows(rows)
    if plan.errors:
        return await _editor(request, user, period, skp, rows, plan.errors, [], status_code=422)
    try:
        if skp is None:
            saved = await api(request).target.post("/skp", json={"period_id": period["period_id"], "rhk": plan.body})
        else:
            saved = await api(request).target.put(f"/skp/{skp['skp_id']}", json={"rhk": plan.body})
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        return await _editor(request, user, period, skp, rows, in_our_words(plan.form_errors(problem.field_errors)),
                             problem.general_errors, status_code=problem.status)
    flash(request, "Draf SKP disimpan.")
    return RedirectResponse(f"/pegawai/skp/{saved['skp_id']}", status_code=303)


@router.post("/skp")
async def create(request: Request, user: Employee):
    form = await request.form()
    period = _period(await _periods(request), str(form.get("period_id", "")))
    return await _save(request, user, period, None)


def editable_version(skp: dict) -> dict | None:
    """The version the owner may change now: a pending revision, else the first version while draft or returned."""
    revision = skp.get("revision")
    if revision:
        return revision if revision["status"] in EDITABLE else None
    return skp if skp["status"] in EDITABLE else None


@router.get("/skp/{skp_id}")
async def show(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    return render(request, "employee/skp.html", {"skp": skp, "period": period, "editable": editable_version(skp)})


@router.get("/skp/{skp_id}/ubah")
async def edit(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    version = editable_version(skp)
    if version is None:
        flash(request, "Versi SKP ini tidak dapat diubah lagi.", "error")
        return RedirectResponse(f"/pegawai/skp/{skp_id}", status_code=303)
    period = _period(await _periods(request), skp["period_id"])
    return await _editor(request, user, period, skp, rows_from_skp(version["rhk"]), {}, [])


@router.post("/skp/{skp_id}/ubah")
async def save_edit(request: Request, user: Employee, skp_id: str):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    return await _save(request, user, period, skp)


@router.post("/skp/{skp_id}/ajukan")
async def submit(request: Request, user: Employee, skp_id: str):
    try:
        await api(request).target.post(f"/skp/{skp_id}/submit")
    except ServiceNotFound:
        raise
    except ServiceProblem as problem:
        skp = await api(request).target.get(f"/skp/{skp_id}")
        period = _period(await _periods(request), skp["period_id"])
        return render(request, "employee/skp.html", {
            "skp": skp, "period": period, "editable": editable_version(skp),
            "general_errors": [problem.detail or problem.title]}, status_code=problem.status)
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
    return [{"rhk": rhk, "iki": iki, "recorded": latest.get(iki["iki_id"])}
            for rhk in skp.get("rhk", []) for iki in rhk.get("indikator", [])]


def _checkpoint(period: dict, checkpoint_id: str | None) -> dict | None:
    checkpoints = period.get("checkpoints", [])
    if not checkpoints:
        return None
    return next((c for c in checkpoints if c["checkpoint_id"] == checkpoint_id), checkpoints[0])


async def _realisation_page(request: Request, skp_id: str, checkpoint_id: str | None, values: dict, errors: dict,
                            general: list[str], status_code: int = 200):
    skp = await api(request).target.get(f"/skp/{skp_id}")
    period = _period(await _periods(request), skp["period_id"])
    checkpoint = _checkpoint(period, checkpoint_id)
    chosen = checkpoint["checkpoint_id"] if checkpoint else None
    return render(request, "employee/realisation.html", {
        "skp": skp, "period": period, "checkpoint": checkpoint, "rows": realisation_rows(skp, chosen),
        "values": values, "errors": errors, "general_errors": general,
        "approved": skp["status"] == "approved" or any(v.get("in_force") for v in skp.get("versions", [])),
    }, status_code=status_code)


@router.get("/skp/{skp_id}/realisasi")
async def realisation(request: Request, user: Employee, skp_id: str,
                      checkpoint_id: Annotated[str | None, Query(max_length=64)] = None):
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
