"""HTTP route of the SIASN bulk export (HR: the agency; the province admin: every agency)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from kinerja_runtime.exports import FILE_RESPONSES, ExportFormat, content_disposition

from training_service.entrypoints.deps import Caller, Uow
from training_service.service_layer.siasn_export import siasn_export

router = APIRouter(tags=["exports"])

Year = Annotated[int, Query(ge=2000, le=2100, description="the year the JP count toward")]
Format = Annotated[ExportFormat, Query(alias="format", description="jsonl (default) or csv")]
SiasnKind = Annotated[Literal["kursus"] | None, Query(description="the one record kind of this service")]
AgencyFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="province admin: one agency (default: all); HR: their own"),
]


@router.get(
    "/exports/siasn",
    summary="The year's completed training as SIASN kursus records, JSON Lines or CSV, streamed as a file "
    "(HR: their agency; the province admin: every agency)",
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
async def export_siasn(
    principal: Caller,
    uow: Uow,
    year: Year,
    fmt: Format = ExportFormat.JSONL,
    kind: SiasnKind = None,
    agency_id: AgencyFilter = None,
    bom: Annotated[bool, Query(description="csv: start with a UTF-8 byte-order mark (for Excel)")] = False,
) -> StreamingResponse:
    export = await siasn_export(uow, principal, year=year, fmt=fmt, agency_id=agency_id, bom=bom)
    return StreamingResponse(
        export.chunks,
        media_type=export.media_type,
        headers={"Content-Disposition": content_disposition(export.filename)},
    )
