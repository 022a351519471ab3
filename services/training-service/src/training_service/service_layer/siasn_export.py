"""The SIASN bulk export of completed training (issue 11), for offices that upload to SIASN by
file: every verified JP ledger entry of a year (what TrainingCompleted announced) as a kursus
record, mapped by ``kinerja_contracts.siasn``, the mapping the SIASN connector sends.

The ledger knows more than the event: the activity's title (in a plan or not) becomes
``namaKursus``. ``jenisDiklatId`` has no code table here (the connector's
``SIASN_JENIS_DIKLAT_IDS``): it is null and named in ``missing``, as the organiser, the
certificate number and the start date are.

The export is read agency by agency and page by page (keyset on NIP, completion day and entry
id): every page costs the same statements (the entries, the access log) and is written out
before the next is read.
"""

from collections.abc import AsyncIterator, Iterable

from kinerja_contracts.siasn import (
    FIELDS,
    KURSUS,
    Context,
    Mapped,
    PlanItemInfo,
    TrainingFacts,
    csv_row,
    export_record,
    map_training,
)
from kinerja_runtime import access_log, exports
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal
from kinerja_runtime.exports import Export, ExportFormat

from training_service.adapters.ledger_repository import Credited
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

PAGE = 1000


async def siasn_export(
    uow: TrainingUnitOfWork,
    principal: Principal,
    *,
    year: int,
    fmt: ExportFormat,
    agency_id: str | None = None,
    bom: bool = False,
    page_size: int = PAGE,
) -> Export:
    """HR: their agency's completed training of ``year``; the province admin: every agency's
    (or ``agency_id``'s). Refusals are raised here, before anything is read or streamed."""
    agency = exports.export_scope(principal, agency_id)
    chunks = _chunks(uow, year=year, agency_id=agency, fmt=fmt, bom=bom, page_size=page_size)
    return Export(f"siasn-{KURSUS}-{year}.{fmt.value}", exports.MEDIA_TYPES[fmt], chunks)


async def _chunks(
    uow: TrainingUnitOfWork, *, year: int, agency_id: str | None, fmt: ExportFormat, bom: bool, page_size: int
) -> AsyncIterator[bytes]:
    if fmt is ExportFormat.CSV:
        yield exports.csv_lines([], header=FIELDS[KURSUS], bom=bom)
    if agency_id is None:
        async with uow:
            agencies = await uow.ledger.agencies_crediting(year)
    else:
        agencies = [agency_id]
    for agency in agencies:
        after = None
        while True:
            async with uow:
                page = await uow.ledger.credited_page(agency, year, after=after, limit=page_size)
                if not page:
                    break
                await access_log.record_reads(uow, [(Kind.JP_LEDGER, str(year), e.nip) for e in page], agency_id=agency)
            records = records_of(page)
            if fmt is ExportFormat.CSV:
                yield exports.csv_lines(csv_row(m) for m in records)
            else:
                yield exports.jsonl(export_record(m) for m in records)
            if len(page) < page_size:
                break
            last = page[-1]
            after = (last.nip, last.completed_on, last.entry_id)


# -- building the records (no I/O) ----------------------------------------------------------


def facts_of(entry: Credited) -> TrainingFacts:
    """What TrainingCompleted announced of the entry; the entry is the record's identity."""
    return TrainingFacts(
        agency_id=entry.agency_id,
        nip=entry.nip,
        year=entry.year,
        catalogue_code=entry.catalogue_code,
        jp=entry.jp,
        plan_id=entry.plan_id,
        item_id=entry.item_id,
        completed_on=entry.completed_on.isoformat(),
        event_id=entry.entry_id,
    )


def records_of(page: Iterable[Credited]) -> list[Mapped]:
    """The kursus records of a page of verified entries: the title is the ledger's."""
    return [
        map_training(
            facts_of(entry),
            Context(plan_item=PlanItemInfo(title=entry.title, form="", method="", catalogue_code=entry.catalogue_code)),
        )
        for entry in page
    ]
