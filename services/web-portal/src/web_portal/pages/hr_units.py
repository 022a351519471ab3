"""Pengelola kinerja: the agency's work-unit tree; create a unit or change one (POST /units)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, flatten_units
from web_portal.rendering import render
from web_portal.session import flash

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Unit kerja", "/pengelola/unit", order=10)]
FIELDS = ("unit_id", "name", "parent_unit_id", "head_nip")


def unit_body(form) -> dict:
    """The service's body from the form: empty optional fields are left out (null)."""
    body = {name: (form.get(name) or "").strip() for name in FIELDS}
    body = {k: v for k, v in body.items() if v or k in ("unit_id", "name")}
    body["serves_public"] = form.get("serves_public") == "on"
    return body


async def units_page(
    request: Request, values: dict, errors: dict | None = None, general: list | None = None, status_code: int = 200
):
    tree = (await api(request).target.get("/units")).get("units", [])
    return render(
        request,
        "hr/units.html",
        {
            "tree": tree,
            "units": flatten_units(tree),
            "values": values,
            "errors": errors or {},
            "general_errors": general or [],
            "agency_id": request.session["user"]["agency"],
        },
        status_code=status_code,
    )


@router.get("/unit")
async def units(request: Request, user: Hr, ubah: str | None = None):
    values = {}
    if ubah:
        tree = (await api(request).target.get("/units")).get("units", [])
        found = next((u for u in flatten_units(tree) if u["unit_id"] == ubah), None)
        if found:
            values = {k: found.get(k) or "" for k in FIELDS} | {"serves_public": found.get("serves_public")}
    return await units_page(request, values)


@router.post("/unit")
async def define_unit(request: Request, user: Hr):
    form = await request.form()
    body = unit_body(form)
    try:
        await api(request).target.post("/units", json=body)
    except ServiceProblem as problem:
        return await units_page(
            request,
            {**dict(form), "serves_public": body["serves_public"]},
            problem.field_errors,
            problem.general_errors,
            problem.status,
        )
    flash(request, "Unit kerja disimpan.")
    return RedirectResponse("/pengelola/unit", status_code=303)
