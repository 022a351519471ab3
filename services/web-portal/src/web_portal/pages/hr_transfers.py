"""Pengelola kinerja: transfer requests between agencies. Incoming ones are accepted into a unit
of this agency or declined; outgoing ones are followed (target-service ``/transfer-requests``)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, Offset, Pager, all_units
from web_portal.rendering import render
from web_portal.session import flash

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Mutasi antarinstansi", "/pengelola/mutasi", order=70)]
PAGE = 50
Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
STATUS_LABELS = {"pending": "Menunggu", "accepted": "Diterima", "declined": "Ditolak", "withdrawn": "Ditarik"}


def accept_body(form, request_id: str) -> dict:
    """Only what HR filled in: the service takes the proposed unit and position, and the unit's head."""
    body = {k: (form.get(f"{request_id}.{k}") or "").strip() for k in ("unit_id", "position", "appraiser_nip")}
    return {k: v for k, v in body.items() if v}


async def transfers_page(
    request: Request, direction: str, offset: int = 0, errors=None, general=None, status_code: int = 200
):
    found = await api(request).target.get(
        "/transfer-requests", params={"direction": direction, "limit": PAGE, "offset": offset}
    )
    items = found.get("items", [])
    return render(
        request,
        "hr/transfers.html",
        {
            "direction": direction,
            "requests": items,
            "units": await all_units(request) if direction == "incoming" else [],
            "pager": Pager(offset, PAGE, len(items), found.get("total")),
            "pager_query": f"&arah={direction}",
            "status_labels": STATUS_LABELS,
            "errors": errors or {},
            "general_errors": general or [],
        },
        status_code=status_code,
    )


@router.get("/mutasi")
async def transfers(
    request: Request,
    user: Hr,
    offset: Offset = 0,
    arah: Annotated[Literal["incoming", "outgoing"], Query()] = "incoming",
):
    return await transfers_page(request, arah, offset)


@router.post("/mutasi/{request_id}/terima")
async def accept(request: Request, user: Hr, request_id: Id):
    form = await request.form()
    try:
        await api(request).target.post(f"/transfer-requests/{request_id}/accept", json=accept_body(form, request_id))
    except ServiceProblem as problem:
        errors = {f"{request_id}.{k}": v for k, v in problem.field_errors.items()}
        return await transfers_page(
            request,
            "incoming",
            errors=errors,
            general=[] if errors else problem.general_errors,
            status_code=problem.status,
        )
    flash(request, "Pegawai diterima di instansi ini.")
    return RedirectResponse("/pengelola/mutasi", status_code=303)


@router.post("/mutasi/{request_id}/tolak")
async def decline(request: Request, user: Hr, request_id: Id):
    form = await request.form()
    reason = (form.get(f"{request_id}.reason") or "").strip()
    try:
        await api(request).target.post(
            f"/transfer-requests/{request_id}/decline", json={"reason": reason} if reason else {}
        )
    except ServiceProblem as problem:
        errors = {f"{request_id}.{k}": v for k, v in problem.field_errors.items()}
        return await transfers_page(
            request,
            "incoming",
            errors=errors,
            general=[] if errors else problem.general_errors,
            status_code=problem.status,
        )
    flash(request, "Permintaan mutasi ditolak.")
    return RedirectResponse("/pengelola/mutasi", status_code=303)
