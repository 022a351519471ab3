"""Reads: an employee's plans and JP ledger, a period's plan decisions, the agency's
development report and talent pool. Overdue is computed here, against ``today``."""

from collections import defaultdict
from datetime import date

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.problems import NotFound
from kinerja_runtime.roster import known_employees
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select

from training_service.adapters.orm import jp_ledger, plan_decisions, plan_items, plans, talent_nominations
from training_service.domain import JP_ENTITLEMENT, ItemProgress, is_overdue, jp_short_of_entitlement


async def may_read(uow: UnitOfWork, principal: Principal, nip: str) -> None:
    """The employee, HR, or the employee's appraiser (roster) or mentor (a plan item)."""
    if principal.nip == nip or principal.has(Role.HR):
        return
    if principal.has(Role.APPRAISER):
        appraiser = await uow.session.scalar(select(known_employees.c.appraiser_nip).where(
            known_employees.c.agency_id == principal.agency, known_employees.c.nip == nip))
        mentor = await uow.session.scalar(select(plan_items.c.item_id).join(
            plans, plans.c.plan_id == plan_items.c.plan_id).where(
            plans.c.agency_id == principal.agency, plans.c.nip == nip, plan_items.c.mentor_nip == principal.nip,
        ).limit(1))
        if principal.nip == appraiser or mentor is not None:
            return
    raise NotFound(f"no development record of {nip} for this caller")


def _item_view(row, today: date) -> dict:
    item = dict(row._mapping)
    item["overdue"] = is_overdue(ItemProgress(row.mandatory, row.status == "completed", row.due_on), today)
    return item


async def plans_with_items(uow: UnitOfWork, query, today: date) -> list[dict]:
    """The plans ``query`` selects, each with its items: two queries, whatever the number of plans."""
    rows = (await uow.session.execute(query)).all()
    items_of: dict[str, list] = defaultdict(list)
    if rows:
        items = (await uow.session.execute(
            select(plan_items).where(plan_items.c.plan_id.in_([row.plan_id for row in rows]))
            .order_by(plan_items.c.plan_id, plan_items.c.gap_kind, plan_items.c.gap, plan_items.c.catalogue_code)
        )).all()
        for item in items:
            items_of[item.plan_id].append(item)
    result = []
    for row in rows:
        shown = [_item_view(i, today) for i in items_of[row.plan_id]]
        result.append({
            **row._mapping, "items": shown, "overdue_items": sum(i["overdue"] for i in shown),
            "completed_jp": sum(i["jp"] for i in shown if i["status"] == "completed"),
        })
    return result


async def employee_plans(uow: UnitOfWork, principal: Principal, nip: str, today: date) -> dict:
    """The employee's decisions and the plans they made. Decisions are read first and the plans
    by the ids they name: each statement sees the commits made before it (READ COMMITTED), and a
    plan commits with its decision, so every decision shown has its plan shown. (Read the other
    way round, an appraisal decided between the two reads showed a decision without its plan.)"""
    async with uow:
        await may_read(uow, principal, nip)
        decisions = (await uow.session.execute(select(plan_decisions).where(
            plan_decisions.c.agency_id == principal.agency, plan_decisions.c.nip == nip,
        ).order_by(plan_decisions.c.decided_at))).all()
        plan_ids = [d.plan_id for d in decisions if d.plan_id is not None]
        found = await plans_with_items(uow, select(plans).where(
            plans.c.agency_id == principal.agency, plans.c.plan_id.in_(plan_ids)).order_by(plans.c.created_at),
            today) if plan_ids else []
        await access_log.record_read(uow, Kind.DEVELOPMENT, nip, nip)
    current = [p for p in found if p["status"] != "superseded"]
    return {"nip": nip, "plans": found, "current_plan_id": current[-1]["plan_id"] if current else None,
            "decisions": [dict(d._mapping) for d in decisions]}


def period_decisions_page(agency_id: str, period_id: str, limit: int, offset: int):
    """One page of a period's decisions, in the order of ix_plan_decisions_period."""
    return (
        select(plan_decisions).where(plan_decisions.c.agency_id == agency_id, plan_decisions.c.period_id == period_id)
        .order_by(plan_decisions.c.nip, plan_decisions.c.revision).limit(limit).offset(offset)
    )


async def period_decisions(uow: UnitOfWork, agency_id: str, period_id: str, limit: int, offset: int,
                           today: date) -> dict:
    """A page of decisions with the plans they made: a plan belongs to exactly one decision, so
    paging the decisions pages the plans too (an agency's plans are megabytes)."""
    async with uow:
        decisions = (await uow.session.execute(period_decisions_page(agency_id, period_id, limit, offset))).all()
        plan_ids = [d.plan_id for d in decisions if d.plan_id is not None]
        found = await plans_with_items(uow, select(plans).where(
            plans.c.agency_id == agency_id, plans.c.plan_id.in_(plan_ids)).order_by(plans.c.nip, plans.c.created_at),
            today) if plan_ids else []
        await access_log.record_reads(uow, [(Kind.DEVELOPMENT, d.nip, d.nip) for d in decisions])
    return {"period_id": period_id, "limit": limit, "offset": offset,
            "decisions": [dict(d._mapping) for d in decisions], "plans": found}


async def jp_ledger_of(uow: UnitOfWork, principal: Principal, nip: str, year: int) -> dict:
    async with uow:
        await may_read(uow, principal, nip)
        rows = (await uow.session.execute(select(jp_ledger).where(
            jp_ledger.c.agency_id == principal.agency, jp_ledger.c.nip == nip, jp_ledger.c.year == year,
        ).order_by(jp_ledger.c.completed_on, jp_ledger.c.recorded_at))).all()
        await access_log.record_read(uow, Kind.JP_LEDGER, str(year), nip)
    entries = [{k: v for k, v in r._mapping.items() if k != "agency_id"} for r in rows]
    completed = sum(e["jp"] for e in entries)
    return {"nip": nip, "year": year, "entitlement_jp": JP_ENTITLEMENT, "completed_jp": completed,
            "remaining_jp": jp_short_of_entitlement(0, completed), "entries": entries}


async def development_report(uow: UnitOfWork, agency_id: str, year: int, today: date) -> dict:
    """Per competency: items planned / completed / overdue in the year's current plans; per
    employee (roster and anyone in the ledger): JP completed against the 20 JP entitlement."""
    async with uow:
        items = (await uow.session.execute(select(plan_items).join(plans, plans.c.plan_id == plan_items.c.plan_id).where(
            plans.c.agency_id == agency_id, plans.c.year == year, plans.c.status != "superseded",
        ))).all()
        staff = (await uow.session.execute(select(known_employees.c.nip, known_employees.c.name).where(
            known_employees.c.agency_id == agency_id))).all()
        credited = (await uow.session.execute(select(jp_ledger.c.nip, jp_ledger.c.jp).where(
            jp_ledger.c.agency_id == agency_id, jp_ledger.c.year == year))).all()
        # Each employee's JP of the year is shown: one entry each, in one statement.
        await access_log.record_reads(uow, [(Kind.JP_LEDGER, str(year), nip) for nip in
                                            sorted({r.nip for r in staff} | {r.nip for r in credited})])
    by_competency: dict[str, dict] = defaultdict(lambda: {"items": 0, "completed": 0, "overdue": 0})
    for row in items:
        entry = by_competency[row.competency]
        entry["items"] += 1
        entry["completed"] += row.status == "completed"
        entry["overdue"] += _item_view(row, today)["overdue"]
    jp: dict[str, int] = defaultdict(int)
    for row in credited:
        jp[row.nip] += row.jp
    names = {r.nip: r.name for r in staff}
    employees = [
        {"nip": nip, "name": names.get(nip), "completed_jp": jp[nip], "entitlement_jp": JP_ENTITLEMENT,
         "fulfilled": jp[nip] >= JP_ENTITLEMENT}
        for nip in sorted(set(names) | set(jp))
    ]
    return {
        "year": year,
        "by_competency": [{"competency": c, **v} for c, v in sorted(by_competency.items())],
        "jp_fulfilment": {"employees": employees, "fulfilled": sum(e["fulfilled"] for e in employees),
                          "total": len(employees)},
    }


async def talent_pool(uow: UnitOfWork, agency_id: str) -> dict:
    async with uow:
        rows = (await uow.session.execute(select(talent_nominations).where(
            talent_nominations.c.agency_id == agency_id).order_by(talent_nominations.c.year.desc(),
                                                                  talent_nominations.c.nip))).all()
        await access_log.record_reads(uow, [(Kind.TALENT_POOL, str(r.year), r.nip) for r in rows])
    return {"nominations": [
        {"nip": r.nip, "years": [r.first_year, r.year], "appraisal_ids": r.appraisal_ids.split(","),
         "nominated_at": r.nominated_at}
        for r in rows
    ]}
