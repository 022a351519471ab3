"""HTTP routes of the catalogue: reading it, and HR's CSV import."""

from fastapi import APIRouter, Request
from kinerja_runtime.uploads import CSV_REQUEST_BODY, read_csv_body

from training_service.adapters import catalogue_repository
from training_service.domain import CATALOGUE_COLUMNS
from training_service.entrypoints.deps import HR, Caller, Now, Uow
from training_service.service_layer import catalogue

router = APIRouter(tags=["catalogue"])

MAX_CSV_BYTES = 1024 * 1024


@router.get("/catalogue", summary="The agency's training catalogue (seeded items and the agency's own)")
async def read_catalogue(principal: Caller, uow: Uow, competency: str | None = None):
    async with uow:
        found = await catalogue_repository.load_with_source(uow.session, principal.agency)
    return [
        {"code": i.code, "title": i.title, "competency": i.competency, "form": i.form.value, "method": i.method,
         "jp": i.jp, "provider": i.provider, "modality": i.modality, "source": source}
        for i, source in found
        if competency is None or i.competency == competency
    ]


@router.post(
    "/catalogue/import",
    summary=f"Add or change catalogue items from CSV (HR; header {','.join(CATALOGUE_COLUMNS)}); "
            "good rows are kept, bad rows reported by line",
    openapi_extra=CSV_REQUEST_BODY,
    max_body_size=MAX_CSV_BYTES,
)
async def import_catalogue(request: Request, principal: HR, uow: Uow, now: Now):
    text = await read_csv_body(request, MAX_CSV_BYTES, "catalogue")
    return await catalogue.import_csv(uow, principal.agency, text, now)
