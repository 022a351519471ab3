"""Reads: an employee's plans and JP ledger, a period's plan decisions, the agency's
development report and talent pool. Overdue is computed here, against ``today``.

Every list an agency can grow comes in bounded pages (``limit``/``offset``, with
``next_offset`` to ask for the next one, null on the last page); totals are counted over
the whole list, not the page."""

from collections import defaultdict
from datetime import date

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal
from kinerja_runtime.refusals import TooLarge
from kinerja_runtime.spreadsheets import workbook_bytes

from training_service.domain import JP_ENTITLEMENT, ItemProgress, is_overdue, jp_short_of_entitlement
from training_service.service_layer import access
from training_service.service_layer.exports import development_sheets
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

MAX_EXPORT_EMPLOYEES = 50_000


def next_offset(offset: int, limit: int, shown: int) -> int | None:
    """Where the next page starts; None when this page was the last (it was not full)."""
    return offset + limit if shown == limit else None


def _item_view(row: dict, today: date) -> dict:
    item = dict(row)
    item["overdue"] = is_overdue(ItemProgress(row["mandatory"], row["status"] == "completed", row["due_on"]), today)
    return item


def _plans_view(found: list[tuple[dict, list[dict]]], today: date) -> list[dict]:
    """Each plan with its items, their overdue flags, and what is done."""
    result = []
    for plan, items in found:
        shown = [_item_view(i, today) for i in items]
        result.append(
            {
                **plan,
                "items": shown,
                "overdue_items": sum(i["overdue"] for i in shown),
                "completed_jp": sum(i["jp"] for i in shown if i["status"] == "completed"),
            }
        )
    return result


async def employee_plans(uow: TrainingUnitOfWork, principal: Principal, nip: str, today: date) -> dict:
    """The employee's decisions and the plans they made. Decisions are read first and the plans
    by the ids they name: each statement sees the commits made before it (READ COMMITTED), and a
    plan commits with its decision, so every decision shown has its plan shown. (Read the other
    way round, an appraisal decided between the two reads showed a decision without its plan.)"""
    async with uow:
        await access.may_read(uow, principal, nip)
        decisions = await uow.decisions.of_employee(principal.agency, nip)
        plan_ids = [d["plan_id"] for d in decisions if d["plan_id"] is not None]
        found = _plans_view(await uow.plans.with_items(principal.agency, plan_ids), today)
        await access_log.record_read(uow, Kind.DEVELOPMENT, nip, nip)
    current = [p for p in found if p["status"] != "superseded"]
    return {
        "nip": nip,
        "plans": found,
        "current_plan_id": current[-1]["plan_id"] if current else None,
        "decisions": decisions,
    }


async def period_decisions(
    uow: TrainingUnitOfWork, agency_id: str, period_id: str, limit: int, offset: int, today: date
) -> dict:
    """A page of decisions with the plans they made: a plan belongs to exactly one decision, so
    paging the decisions pages the plans too (an agency's plans are megabytes)."""
    async with uow:
        decisions = await uow.decisions.page_of_period(agency_id, period_id, limit, offset)
        plan_ids = [d["plan_id"] for d in decisions if d["plan_id"] is not None]
        found = _plans_view(await uow.plans.with_items(agency_id, plan_ids, by_nip=True), today)
        await access_log.record_reads(uow, [(Kind.DEVELOPMENT, d["nip"], d["nip"]) for d in decisions])
    return {
        "period_id": period_id,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(decisions)),
        "decisions": decisions,
        "plans": found,
    }


async def jp_ledger_of(
    uow: TrainingUnitOfWork, principal: Principal, nip: str, year: int, limit: int, offset: int
) -> dict:
    """The employee's entries of a year with their state; only verified JP count (claims wait
    for HR or the appraiser, rejected ones never count)."""
    async with uow:
        await access.may_read(uow, principal, nip)
        verified, claimed = await uow.ledger.totals(principal.agency, nip, year)
        rows = await uow.ledger.page(principal.agency, nip, year, limit, offset)
        await access_log.record_read(uow, Kind.JP_LEDGER, str(year), nip)
    entries = [{k: v for k, v in r.items() if k != "agency_id"} for r in rows]
    return {
        "nip": nip,
        "year": year,
        "entitlement_jp": JP_ENTITLEMENT,
        "completed_jp": verified,
        "verified_jp": verified,
        "claimed_jp": claimed,
        "remaining_jp": jp_short_of_entitlement(0, verified),
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(entries)),
        "entries": entries,
    }


async def development_report(
    uow: TrainingUnitOfWork, agency_id: str, year: int, today: date, limit: int, offset: int
) -> dict:
    """Per competency: items planned / completed / overdue in the year's current plans; per
    employee (roster and anyone in the ledger), a page in NIP order: verified JP against the
    20 JP entitlement and JP still claimed; the fulfilled and total counts cover everyone."""
    async with uow:
        report = await _development_report(uow, agency_id, year, today, limit, offset)
        await _record_ledger_reads(uow, report)
    return report


async def development_report_workbook(uow: TrainingUnitOfWork, agency_id: str, year: int, today: date) -> bytes:
    """:func:`development_report` with every employee, as an .xlsx (at most
    ``MAX_EXPORT_EMPLOYEES``: over that it is refused, not cut)."""
    async with uow:
        report = await _development_report(uow, agency_id, year, today, MAX_EXPORT_EMPLOYEES, 0)
        if report["jp_fulfilment"]["total"] > MAX_EXPORT_EMPLOYEES:
            raise TooLarge(f"the report covers more than {MAX_EXPORT_EMPLOYEES} employees; read it in pages")
        await _record_ledger_reads(uow, report)
    return await workbook_bytes(development_sheets(agency_id, report))


async def _record_ledger_reads(uow: TrainingUnitOfWork, report: dict) -> None:
    employees = report["jp_fulfilment"]["employees"]
    await access_log.record_reads(uow, [(Kind.JP_LEDGER, str(report["year"]), e["nip"]) for e in employees])


async def _development_report(
    uow: TrainingUnitOfWork, agency_id: str, year: int, today: date, limit: int, offset: int
) -> dict:
    items = await uow.plans.current_items_of_year(agency_id, year)
    names = {e.nip: e.name for e in await uow.roster.members(agency_id)}
    credited = await uow.ledger.totals_of_agency(agency_id, year)
    everyone = sorted(names.keys() | credited.keys())
    page = everyone[offset : offset + limit]
    by_competency: dict[str, dict] = defaultdict(lambda: {"items": 0, "completed": 0, "overdue": 0})
    for row in items:
        entry = by_competency[row["competency"]]
        entry["items"] += 1
        entry["completed"] += row["status"] == "completed"
        entry["overdue"] += _item_view(row, today)["overdue"]
    employees = [
        {
            "nip": nip,
            "name": names.get(nip),
            "completed_jp": int(verified),
            "claimed_jp": int(claimed),
            "entitlement_jp": JP_ENTITLEMENT,
            "fulfilled": verified >= JP_ENTITLEMENT,
        }
        for nip in page
        for verified, claimed in [credited.get(nip, (0, 0))]
    ]
    return {
        "year": year,
        "by_competency": [{"competency": c, **v} for c, v in sorted(by_competency.items())],
        "jp_fulfilment": {
            "employees": employees,
            "fulfilled": sum(1 for verified, _ in credited.values() if verified >= JP_ENTITLEMENT),
            "total": len(everyone),
        },
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(employees)),
    }


RECOGNITIONS_SHOWN = 10
"""The latest recognitions shown with each nomination as its evidence."""


async def talent_pool(uow: TrainingUnitOfWork, agency_id: str, limit: int, offset: int) -> dict:
    """Standing nominations (a withdrawn one is not in the pool), latest year first, each with the
    employee's latest recognitions as evidence."""
    async with uow:
        rows = await uow.talent.pool(agency_id, limit, offset)
        recognitions = await uow.recognitions.latest_of(agency_id, {r["nip"] for r in rows}, RECOGNITIONS_SHOWN)
        await access_log.record_reads(uow, [(Kind.TALENT_POOL, str(r["year"]), r["nip"]) for r in rows])
    return {
        "nominations": [
            {
                "nip": r["nip"],
                "years": [r["first_year"], r["year"]],
                "appraisal_ids": r["appraisal_ids"].split(","),
                "nominated_at": r["nominated_at"],
                "recognitions": recognitions.get(r["nip"], []),
            }
            for r in rows
        ],
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(rows)),
    }
