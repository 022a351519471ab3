"""HR's catalogue import: good rows are stored (by code, so a repeated import changes
nothing), bad rows come back with their line numbers."""

from datetime import datetime

from kinerja_runtime.problems import Unprocessable
from kinerja_runtime.uow import UnitOfWork

from training_service.adapters import catalogue_repository
from training_service.domain import CatalogueCsvError, read_catalogue_csv


async def import_csv(uow: UnitOfWork, agency_id: str, text: str, now: datetime) -> dict:
    try:
        rows, errors = read_catalogue_csv(text)
    except CatalogueCsvError as exc:
        raise Unprocessable(str(exc)) from exc
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with uow:
        for row in rows:
            counts[await catalogue_repository.upsert(uow.session, agency_id, row.item, now)] += 1
        await uow.commit()
    return {
        **counts,
        "imported": [{"line": r.line, "code": r.item.code} for r in rows],
        "errors": [{"line": e.line, "code": e.code, "message": e.message} for e in errors],
    }
