"""The catalogue: reading an agency's, HR's CSV import (good rows are stored, by code, so a
repeated import changes nothing; bad rows come back with their line numbers), and the seed."""

from training_service.domain import read_catalogue_csv
from training_service.service_layer.unit_of_work import TrainingUnitOfWork


async def seed(uow: TrainingUnitOfWork) -> int:
    """Add the seeded items that are missing (at every start); items already stored stay."""
    async with uow:
        added = await uow.catalogue.seed()
        await uow.commit()
    return added


async def read(uow: TrainingUnitOfWork, agency_id: str, competency: str | None, limit: int, offset: int) -> list[dict]:
    """A page of the agency's catalogue by code (of one competency when given), each item
    saying whether it is seeded or the agency's own."""
    async with uow:
        found = await uow.catalogue.load_with_source(agency_id)
    return [
        {
            "code": i.code,
            "title": i.title,
            "competency": i.competency,
            "form": i.form.value,
            "method": i.method,
            "jp": i.jp,
            "provider": i.provider,
            "modality": i.modality,
            "source": source,
        }
        for i, source in found
        if competency is None or i.competency == competency
    ][offset : offset + limit]


async def import_csv(uow: TrainingUnitOfWork, agency_id: str, text: str) -> dict:
    """A file that cannot be read as a whole is refused (CatalogueCsvError, a 422)."""
    rows, errors = read_catalogue_csv(text)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with uow:
        now = uow.clock.now()
        for outcome in await uow.catalogue.upsert_many(agency_id, [r.item for r in rows], now):
            counts[outcome] += 1
        await uow.commit()
    return {
        **counts,
        "imported": [{"line": r.line, "code": r.item.code} for r in rows],
        "errors": [{"line": e.line, "code": e.code, "message": e.message} for e in errors],
    }
