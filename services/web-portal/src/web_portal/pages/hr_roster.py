"""Pengelola kinerja: the roster (a page at a time) and its import with the per-line report.

The file is sent to target-service's ``POST /employees/import`` as it was uploaded: an Excel
workbook (a name ending in .xlsx, or the browser's .xlsx media type) as such, anything else as
``text/csv`` (commas, or semicolons as Indonesian Excel writes them); header
``nip,name,position,unit[,unit_id][,appraiser_nip]``. The service keeps the good rows and names
each refused line (a sheet's row), which the page shows as a table; a file it cannot read at all
(a NIP column Excel took for numbers, a wrong header) is said next to the file field.
"""

from dataclasses import dataclass

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile

from web_portal.clients import ServiceProblem, api
from web_portal.navigation import NavItem
from web_portal.pages.hr_common import Hr, Offset, Pager
from web_portal.rendering import render

router = APIRouter(prefix="/pengelola")
NAV = [NavItem("hr", "Pegawai", "/pengelola/pegawai", order=20)]
PAGE = 50
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # the service's own limit
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_FIELD = "roster_csv"


@dataclass(frozen=True)
class LineError:
    line: int
    nip: str
    reason: str


@dataclass(frozen=True)
class ImportReport:
    registered: int
    updated: int
    unchanged: int
    errors: tuple[LineError, ...]

    @property
    def kept(self) -> int:
        return self.registered + self.updated + self.unchanged


def import_report(answer: dict) -> ImportReport:
    """The service's answer as the page shows it: the counts, and the refused lines in file order."""
    errors = sorted(
        (
            LineError(int(e.get("line") or 0), e.get("nip") or "", str(e.get("reason") or ""))
            for e in answer.get("errors") or []
        ),
        key=lambda e: e.line,
    )
    return ImportReport(
        int(answer.get("registered", 0)), int(answer.get("updated", 0)), int(answer.get("unchanged", 0)), tuple(errors)
    )


async def roster_page(
    request: Request,
    offset: int = 0,
    report: ImportReport | None = None,
    errors: dict | None = None,
    general: list | None = None,
    status_code: int = 200,
):
    found = await api(request).target.get("/employees", params={"limit": PAGE, "offset": offset})
    items = found.get("items", [])
    return render(
        request,
        "hr/roster.html",
        {
            "employees": items,
            "total": found.get("total", len(items)),
            "pager": Pager(offset, PAGE, len(items), found.get("total")),
            "report": report,
            "errors": errors or {},
            "general_errors": general or [],
            "values": {},
            "csv_field": CSV_FIELD,
        },
        status_code=status_code,
    )


def media_type_of(upload: UploadFile) -> str:
    """An Excel workbook by its name or the browser's media type; anything else goes as CSV
    (the service refuses what it cannot read, and says why)."""
    name = (upload.filename or "").lower()
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    return XLSX if name.endswith(".xlsx") or declared == XLSX else "text/csv"


@router.get("/pegawai")
async def roster(request: Request, user: Hr, offset: Offset = 0):
    return await roster_page(request, offset)


@router.post("/pegawai/impor")
async def import_roster(request: Request, user: Hr, offset: int = Query(0, ge=0)):
    form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
    upload = form.get(CSV_FIELD)
    data = await upload.read(MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
    if not data:
        return await roster_page(
            request, errors={CSV_FIELD: "Pilih berkas daftar pegawai (CSV atau Excel)."}, status_code=422
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return await roster_page(request, errors={CSV_FIELD: "Berkas paling besar 8 MB."}, status_code=413)
    kind = media_type_of(upload) if isinstance(upload, UploadFile) else "text/csv"
    try:
        answer = await api(request).target.post("/employees/import", content=data, headers={"Content-Type": kind})
    except ServiceProblem as problem:
        # A file the service cannot read at all (wrong header, not UTF-8): said next to the file field.
        return await roster_page(
            request, errors={CSV_FIELD: problem.detail or problem.title}, status_code=problem.status
        )
    return await roster_page(request, report=import_report(answer))
