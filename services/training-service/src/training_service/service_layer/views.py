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
from kinerja_runtime.roster import known_employees
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import and_, case, func, select, union

from training_service.adapters.orm import jp_ledger, plan_decisions, plan_items, plans, talent_nominations
from training_service.domain import JP_ENTITLEMENT, EntryStatus, ItemProgress, is_overdue, jp_short_of_entitlement
from training_service.service_layer import access


def next_offset(offset: int, limit: int, shown: int) -> int | None:
    """Where the next page starts; None when this page was the last (it was not full)."""
    return offset + limit if shown == limit else None


def _jp_of(status: EntryStatus):
    return func.coalesce(func.sum(case((jp_ledger.c.status == status.value, jp_ledger.c.jp), else_=0)), 0)


def _item_view(row, today: date) -> dict:
    item = dict(row._mapping)
    item["overdue"] = is_overdue(ItemProgress(row.mandatory, row.status == "completed", row.due_on), today)
    return item


async def plans_with_items(uow: UnitOfWork, query, today: date) -> list[dict]:
    """The plans ``query`` selects, each with its items: two queries, whatever the number of plans."""
    rows = (await uow.session.execute(query)).all()
    items_of: dict[str, list] = defaultdict(list)
    if rows:
        items = (
            await uow.session.execute(
                select(plan_items)
                .where(plan_items.c.plan_id.in_([row.plan_id for row in rows]))
                .order_by(plan_items.c.plan_id, plan_items.c.gap_kind, plan_items.c.gap, plan_items.c.catalogue_code)
            )
        ).all()
        for item in items:
            items_of[item.plan_id].append(item)
    result = []
    for row in rows:
        shown = [_item_view(i, today) for i in items_of[row.plan_id]]
        result.append(
            {
                **row._mapping,
                "items": shown,
                "overdue_items": sum(i["overdue"] for i in shown),
                "completed_jp": sum(i["jp"] for i in shown if i["status"] == "completed"),
            }
        )
    return result


async def employee_plans(uow: UnitOfWork, principal: Principal, nip: str, today: date) -> dict:
    """The employee's decisions and the plans they made. Decisions are read first and the plans
    by the ids they name: each statement sees the commits made before it (READ COMMITTED), and a
    plan commits with its decision, so every decision shown has its plan shown. (Read the other
    way round, an appraisal decided between the two reads showed a decision without its plan.)"""
    async with uow:
        await access.may_read(uow, principal, nip)
        decisions = (
            await uow.session.execute(
                select(plan_decisions)
                .where(
                    plan_decisions.c.agency_id == principal.agency,
                    plan_decisions.c.nip == nip,
                )
                .order_by(plan_decisions.c.decided_at)
            )
        ).all()
        plan_ids = [d.plan_id for d in decisions if d.plan_id is not None]
        found = (
            await plans_with_items(
                uow,
                select(plans)
                .where(plans.c.agency_id == principal.agency, plans.c.plan_id.in_(plan_ids))
                .order_by(plans.c.created_at),
                today,
            )
            if plan_ids
            else []
        )
        await access_log.record_read(uow, Kind.DEVELOPMENT, nip, nip)
    current = [p for p in found if p["status"] != "superseded"]
    return {
        "nip": nip,
        "plans": found,
        "current_plan_id": current[-1]["plan_id"] if current else None,
        "decisions": [dict(d._mapping) for d in decisions],
    }


def period_decisions_page(agency_id: str, period_id: str, limit: int, offset: int):
    """One page of a period's decisions, in the order of ix_plan_decisions_period."""
    return (
        select(plan_decisions)
        .where(plan_decisions.c.agency_id == agency_id, plan_decisions.c.period_id == period_id)
        .order_by(plan_decisions.c.nip, plan_decisions.c.revision)
        .limit(limit)
        .offset(offset)
    )


async def period_decisions(
    uow: UnitOfWork, agency_id: str, period_id: str, limit: int, offset: int, today: date
) -> dict:
    """A page of decisions with the plans they made: a plan belongs to exactly one decision, so
    paging the decisions pages the plans too (an agency's plans are megabytes)."""
    async with uow:
        decisions = (await uow.session.execute(period_decisions_page(agency_id, period_id, limit, offset))).all()
        plan_ids = [d.plan_id for d in decisions if d.plan_id is not None]
        found = (
            await plans_with_items(
                uow,
                select(plans)
                .where(plans.c.agency_id == agency_id, plans.c.plan_id.in_(plan_ids))
                .order_by(plans.c.nip, plans.c.created_at),
                today,
            )
            if plan_ids
            else []
        )
        await access_log.record_reads(uow, [(Kind.DEVELOPMENT, d.nip, d.nip) for d in decisions])
    return {
        "period_id": period_id,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(decisions)),
        "decisions": [dict(d._mapping) for d in decisions],
        "plans": found,
    }


async def jp_ledger_of(uow: UnitOfWork, principal: Principal, nip: str, year: int, limit: int, offset: int) -> dict:
    """The employee's entries of a year with their state; only verified JP count (claims wait
    for HR or the appraiser, rejected ones never count)."""
    mine = (jp_ledger.c.agency_id == principal.agency, jp_ledger.c.nip == nip, jp_ledger.c.year == year)
    async with uow:
        await access.may_read(uow, principal, nip)
        verified, claimed = (
            await uow.session.execute(select(_jp_of(EntryStatus.VERIFIED), _jp_of(EntryStatus.CLAIMED)).where(*mine))
        ).one()
        rows = (
            await uow.session.execute(
                select(jp_ledger)
                .where(*mine)
                .order_by(jp_ledger.c.completed_on, jp_ledger.c.recorded_at, jp_ledger.c.entry_id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        await access_log.record_read(uow, Kind.JP_LEDGER, str(year), nip)
    entries = [{k: v for k, v in r._mapping.items() if k != "agency_id"} for r in rows]
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


async def development_report(uow: UnitOfWork, agency_id: str, year: int, today: date, limit: int, offset: int) -> dict:
    """Per competency: items planned / completed / overdue in the year's current plans; per
    employee (roster and anyone in the ledger), a page in NIP order: verified JP against the
    20 JP entitlement and JP still claimed; the fulfilled and total counts cover everyone."""
    async with uow:
        items = (
            await uow.session.execute(
                select(plan_items)
                .join(plans, plans.c.plan_id == plan_items.c.plan_id)
                .where(
                    plans.c.agency_id == agency_id,
                    plans.c.year == year,
                    plans.c.status != "superseded",
                )
            )
        ).all()
        everyone = union(
            select(known_employees.c.nip).where(known_employees.c.agency_id == agency_id),
            select(jp_ledger.c.nip).where(jp_ledger.c.agency_id == agency_id, jp_ledger.c.year == year),
        ).subquery()
        credited = (
            select(
                jp_ledger.c.nip,
                _jp_of(EntryStatus.VERIFIED).label("verified"),
                _jp_of(EntryStatus.CLAIMED).label("claimed"),
            )
            .where(jp_ledger.c.agency_id == agency_id, jp_ledger.c.year == year)
            .group_by(jp_ledger.c.nip)
            .subquery()
        )
        verified = func.coalesce(credited.c.verified, 0)
        fulfilled = verified >= JP_ENTITLEMENT
        with_jp = everyone.outerjoin(credited, credited.c.nip == everyone.c.nip)
        total, fulfilled_count = (
            await uow.session.execute(
                select(func.count(), func.coalesce(func.sum(case((fulfilled, 1), else_=0)), 0)).select_from(with_jp)
            )
        ).one()
        page = (
            await uow.session.execute(
                select(
                    everyone.c.nip,
                    known_employees.c.name,
                    verified.label("completed_jp"),
                    func.coalesce(credited.c.claimed, 0).label("claimed_jp"),
                )
                .select_from(
                    with_jp.outerjoin(
                        known_employees,
                        and_(known_employees.c.agency_id == agency_id, known_employees.c.nip == everyone.c.nip),
                    )
                )
                .order_by(everyone.c.nip)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        await access_log.record_reads(uow, [(Kind.JP_LEDGER, str(year), r.nip) for r in page])
    by_competency: dict[str, dict] = defaultdict(lambda: {"items": 0, "completed": 0, "overdue": 0})
    for row in items:
        entry = by_competency[row.competency]
        entry["items"] += 1
        entry["completed"] += row.status == "completed"
        entry["overdue"] += _item_view(row, today)["overdue"]
    employees = [
        {
            "nip": r.nip,
            "name": r.name,
            "completed_jp": int(r.completed_jp),
            "claimed_jp": int(r.claimed_jp),
            "entitlement_jp": JP_ENTITLEMENT,
            "fulfilled": r.completed_jp >= JP_ENTITLEMENT,
        }
        for r in page
    ]
    return {
        "year": year,
        "by_competency": [{"competency": c, **v} for c, v in sorted(by_competency.items())],
        "jp_fulfilment": {"employees": employees, "fulfilled": int(fulfilled_count), "total": total},
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(employees)),
    }


async def talent_pool(uow: UnitOfWork, agency_id: str, limit: int, offset: int) -> dict:
    """Standing nominations (a withdrawn one is not in the pool), latest year first."""
    async with uow:
        rows = (
            await uow.session.execute(
                select(talent_nominations)
                .where(
                    talent_nominations.c.agency_id == agency_id,
                    talent_nominations.c.status == "nominated",
                )
                .order_by(talent_nominations.c.year.desc(), talent_nominations.c.nip)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        await access_log.record_reads(uow, [(Kind.TALENT_POOL, str(r.year), r.nip) for r in rows])
    return {
        "nominations": [
            {
                "nip": r.nip,
                "years": [r.first_year, r.year],
                "appraisal_ids": r.appraisal_ids.split(","),
                "nominated_at": r.nominated_at,
            }
            for r in rows
        ],
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(rows)),
    }
