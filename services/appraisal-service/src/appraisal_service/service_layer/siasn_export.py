"""The SIASN bulk export of appraisals (issue 11), for offices that upload to SIASN by file:
the final results of a year as SKP 2022 records (annual) and kinerja periodik records
(periodic), mapped by ``kinerja_contracts.siasn``, the mapping the SIASN connector sends.

Only the current result of each appraisal is exported: the latest revision (a result changed
after an objection replaces the one it revises; a proposal not yet confirmed is no result).
The names, positions and units of the employee and the penilai come from the roster
projection, the checkpoint months from the period's checkpoints.

The export is read period by period and, within a period, page by page (keyset on NIP and
scope): every page costs the same few statements (the results, the roster's people, the
access log) and is written out before the next is read, so memory stays that of one page.
"""

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, date

from kinerja_contracts.siasn import (
    FIELDS,
    PERIODIK,
    SKP22,
    AppraisalFacts,
    CheckpointInfo,
    Context,
    Mapped,
    PeriodInfo,
    Person,
    csv_row,
    export_record,
    map_appraisal,
    penilai_of,
)
from kinerja_runtime import access_log, exports
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal
from kinerja_runtime.exports import Export, ExportFormat
from kinerja_runtime.refusals import InvalidInput
from kinerja_runtime.roster import KnownEmployee, KnownPeriod, KnownUnit

from appraisal_service.adapters.records import FinalResult
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

PAGE = 1000
# The appraisal kind each SIASN record kind comes from.
APPRAISAL_KIND = {SKP22: "annual", PERIODIK: "periodic"}


def kinds_of(fmt: ExportFormat, kind: str | None) -> tuple[str, ...]:
    """The SIASN record kinds a file holds: JSON Lines both (each line names its kind) unless
    one is asked for; a CSV file has one header, so one kind, which must be named."""
    if kind is not None:
        return (kind,)
    if fmt is ExportFormat.CSV:
        raise InvalidInput(
            "a CSV file holds one kind of record: ask for kind=skp22 or kind=kinerja-periodik", parameter="kind"
        )
    return (SKP22, PERIODIK)


async def siasn_export(
    uow: AppraisalUnitOfWork,
    principal: Principal,
    *,
    year: int,
    fmt: ExportFormat,
    kind: str | None = None,
    agency_id: str | None = None,
    bom: bool = False,
    page_size: int = PAGE,
) -> Export:
    """HR: their agency's results of ``year``; the province admin: every agency's (or
    ``agency_id``'s). Refusals are raised here, before anything is read or streamed."""
    agency = exports.export_scope(principal, agency_id)
    kinds = kinds_of(fmt, kind)
    filename = f"siasn-{'-'.join(kinds)}-{year}.{fmt.value}"
    chunks = _chunks(uow, year=year, agency_id=agency, kinds=kinds, fmt=fmt, bom=bom, page_size=page_size)
    return Export(filename, exports.MEDIA_TYPES[fmt], chunks)


async def _chunks(
    uow: AppraisalUnitOfWork,
    *,
    year: int,
    agency_id: str | None,
    kinds: tuple[str, ...],
    fmt: ExportFormat,
    bom: bool,
    page_size: int,
) -> AsyncIterator[bytes]:
    if fmt is ExportFormat.CSV:
        yield exports.csv_lines([], header=FIELDS[kinds[0]], bom=bom)
    async with uow:
        periods = sorted(await uow.roster.periods_of_year(year, agency_id), key=lambda p: (p.agency_id, p.period_id))
    appraisal_kinds = {APPRAISAL_KIND[k] for k in kinds}
    units = UnitNames()
    for period in periods:
        after: tuple[str, str] | None = None
        while True:
            async with uow:
                page = await uow.appraisals.final_page(
                    period.agency_id, period.period_id, kinds=appraisal_kinds, after=after, limit=page_size
                )
                if not page:
                    break
                people = await _people(uow, page)
                records = records_of(page, period, people, await units.of(uow, period.agency_id))
                await access_log.record_reads(
                    uow, [(Kind.APPRAISAL, r.appraisal_id, r.nip) for r in page], agency_id=period.agency_id
                )
            if fmt is ExportFormat.CSV:
                yield exports.csv_lines(csv_row(m) for m in records)
            else:
                yield exports.jsonl(export_record(m) for m in records)
            if len(page) < page_size:
                break
            after = (page[-1].nip, page[-1].scope)


class UnitNames:
    """The unit names of the agency being exported, read once per agency (the periods come in
    agency order, so one agency's names are held at a time)."""

    def __init__(self) -> None:
        self.agency_id: str | None = None
        self.names: dict[str, str] = {}

    async def of(self, uow: AppraisalUnitOfWork, agency_id: str) -> dict[str, str]:
        if agency_id != self.agency_id:
            self.agency_id, self.names = agency_id, unit_names(await uow.roster.units(agency_id))
        return self.names


def unit_names(units: Iterable[KnownUnit]) -> dict[str, str]:
    return {u.unit_id: u.name for u in units}


async def _people(uow: AppraisalUnitOfWork, page: Sequence[FinalResult]) -> dict[tuple[str, str], KnownEmployee]:
    """The page's employees and penilai on the roster: one statement, and a second for the
    penilai the roster names where the result names none."""
    keys = {(r.agency_id, r.nip) for r in page} | {(r.agency_id, r.appraiser_nip) for r in page if r.appraiser_nip}
    people = await uow.roster.employees_in(keys)
    more = {
        (r.agency_id, appraiser)
        for r in page
        if r.appraiser_nip is None
        and (employee := people.get((r.agency_id, r.nip))) is not None
        and (appraiser := employee.appraiser_nip) is not None
        and (r.agency_id, appraiser) not in people
    }
    if more:
        people.update(await uow.roster.employees_in(more))
    return people


# -- building the records (no I/O) ----------------------------------------------------------


def facts_of(result: FinalResult) -> AppraisalFacts:
    """What the SIASN mapping needs of a final result: what AppraisalCompleted (or Revised)
    announced of it. A revision keeps the penilai of the result it revises."""
    return AppraisalFacts(
        agency_id=result.agency_id,
        period_id=result.period_id,
        nip=result.nip,
        appraisal_id=result.appraisal_id,
        kind=result.kind,
        checkpoint_id=result.checkpoint_id if result.kind == "periodic" else None,
        rating_hasil_kerja=result.rating_hasil_kerja,
        rating_perilaku=result.rating_perilaku,
        predikat=result.predikat,
        appraiser_nip=result.appraiser_nip,
        revision=result.revision,
        at=result.completed_at.astimezone(UTC).isoformat(timespec="microseconds"),
    )


def person_of(employee: KnownEmployee | None) -> Person | None:
    if employee is None:
        return None
    return Person(
        nip=employee.nip,
        name=employee.name,
        position=employee.position,
        unit=employee.unit,
        unit_id=employee.unit_id,
        appraiser_nip=employee.appraiser_nip,
    )


def period_info(period: KnownPeriod) -> PeriodInfo:
    """The period as the mapping reads it (the projection keeps its checkpoints as JSON)."""
    checkpoints = tuple(
        CheckpointInfo(
            checkpoint_id=c["checkpoint_id"],
            name=c.get("name", ""),
            starts_on=_day(c["starts_on"]),
            ends_on=_day(c["ends_on"]),
        )
        for c in period.checkpoints
    )
    starts_on = period.starts_on or date(period.year, 1, 1)
    ends_on = period.ends_on or date(period.year, 12, 31)
    return PeriodInfo(year=period.year, starts_on=starts_on, ends_on=ends_on, checkpoints=checkpoints)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def records_of(
    page: Iterable[FinalResult],
    period: KnownPeriod,
    people: dict[tuple[str, str], KnownEmployee],
    unit_names: dict[str, str],
) -> list[Mapped]:
    """The SIASN records of a page of one period's final results."""
    info = period_info(period)
    found = []
    for result in page:
        facts = facts_of(result)
        employee = person_of(people.get((result.agency_id, result.nip)))
        penilai_nip = penilai_of(facts, employee)
        appraiser = person_of(people.get((result.agency_id, penilai_nip))) if penilai_nip else None
        unit_name = unit_names.get(appraiser.unit_id) if appraiser and appraiser.unit_id else None
        context = Context(employee=employee, appraiser=appraiser, appraiser_unit_name=unit_name, period=info)
        found.append(map_appraisal(facts, context))
    return found
