"""HTTP routes of the catalogue: reading it, and HR's CSV import."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from kinerja_runtime.inputs import Offset, page_limit
from kinerja_runtime.uploads import CSV_REQUEST_BODY, read_csv_body

from training_service.domain import CATALOGUE_COLUMNS
from training_service.entrypoints.deps import HR, Caller, Uow
from training_service.service_layer import catalogue

router = APIRouter(tags=["catalogue"])

MAX_CSV_BYTES = 1024 * 1024


@router.get(
    "/catalogue", summary="A page of the agency's training catalogue (seeded items and the agency's own), by code"
)
async def read_catalogue(
    principal: Caller,
    uow: Uow,
    competency: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=r"^[^\x00-\x1f\x7f]+$",
            description="only the items developing this competency",
        ),
    ] = None,
    limit: page_limit(1000) = 1000,
    offset: Offset = 0,
):
    return await catalogue.read(uow, principal.agency, competency, limit, offset)


@router.post(
    "/catalogue/import",
    summary=f"Add or change catalogue items from CSV (HR; header {','.join(CATALOGUE_COLUMNS)}); "
    "good rows are kept, bad rows reported by line",
    openapi_extra=CSV_REQUEST_BODY,
    max_body_size=MAX_CSV_BYTES,
)
async def import_catalogue(request: Request, principal: HR, uow: Uow):
    text = await read_csv_body(request, MAX_CSV_BYTES, "catalogue")
    return await catalogue.import_csv(uow, principal.agency, text)
