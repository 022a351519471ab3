"""Working through a plan: enrol in an item, complete it with evidence (JP credited to the
ledger -> TrainingCompleted), and record training done outside any plan.

Who may act on an employee's development: the employee, their mentor (the appraiser
named on the item), and the agency's HR. Another agency's plan answers 404.
"""

from datetime import date, datetime

from kinerja_contracts import TrainingCompleted
from kinerja_runtime import access_log, roster
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select, update

from training_service.adapters import catalogue_repository
from training_service.adapters.orm import plan_items, plans
from training_service.domain.progress import ItemProgress, plan_completed
from training_service.service_layer import ledger

OUTSIDE_CATALOGUE = "luar-katalog"


async def _item(uow: UnitOfWork, principal: Principal, plan_id: str, item_id: str):
    plan = (await uow.session.execute(select(plans).where(
        plans.c.plan_id == plan_id, plans.c.agency_id == principal.agency,
    ))).first()
    item = (await uow.session.execute(select(plan_items).where(
        plan_items.c.plan_id == plan_id, plan_items.c.item_id == item_id,
    ))).first() if plan else None
    if item is None:
        raise NotFound(f"no item {item_id} in plan {plan_id}")
    if not (principal.nip in (plan.nip, item.mentor_nip) or principal.has(Role.HR)):
        raise Forbidden("only the employee, their mentor or HR may work on this plan")
    if plan.status == "superseded":
        raise Conflict(f"plan {plan_id} was superseded by plan {plan.superseded_by_plan_id}",
                       superseded_by_plan_id=plan.superseded_by_plan_id)
    return plan, item


async def enrol(uow: UnitOfWork, principal: Principal, plan_id: str, item_id: str, now: datetime) -> dict:
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        if item.status == "completed":
            raise Conflict(f"item {item_id} is already completed")
        if item.status == "planned":
            await uow.session.execute(update(plan_items).where(plan_items.c.item_id == item_id)
                                      .values(status="enrolled", enrolled_at=now))
            await access_log.record_change(uow, Kind.PLAN, plan_id, plan.nip)
            await uow.commit()
    return {"plan_id": plan_id, "item_id": item_id, "status": "enrolled"}


async def complete(uow: UnitOfWork, principal: Principal, plan_id: str, item_id: str, *, evidence: str,
                   completed_on: date, today: date, now: datetime) -> dict:
    if completed_on > today:
        raise Unprocessable(f"completed_on {completed_on} is in the future")
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        if item.status == "completed":
            raise Conflict(f"item {item_id} is already completed")
        await uow.session.execute(update(plan_items).where(plan_items.c.item_id == item_id).values(
            status="completed", completed_on=completed_on, evidence=evidence,
        ))
        entry = await ledger.credit(
            uow.session, agency_id=plan.agency_id, nip=plan.nip, jp=item.jp, catalogue_code=item.catalogue_code,
            title=item.title, competency=item.competency, evidence=evidence, completed_on=completed_on,
            recorded_by=principal.nip, now=now, plan_id=plan_id, item_id=item_id,
        )
        status = await _plan_status(uow, plan_id)
        await uow.publish(_completed_event(entry))
        await access_log.record_change(uow, Kind.PLAN, plan_id, plan.nip)
        await uow.commit()
    return {"plan_id": plan_id, "item_id": item_id, "status": "completed", "plan_status": status,
            "ledger_entry": _public(entry)}


async def _plan_status(uow: UnitOfWork, plan_id: str) -> str:
    items = (await uow.session.execute(select(plan_items.c.mandatory, plan_items.c.status)
                                       .where(plan_items.c.plan_id == plan_id))).all()
    done = plan_completed(ItemProgress(i.mandatory, i.status == "completed") for i in items)
    status = "completed" if done else "active"
    await uow.session.execute(update(plans).where(plans.c.plan_id == plan_id).values(status=status))
    return status


async def record_outside_plan(uow: UnitOfWork, principal: Principal, nip: str, *, catalogue_code: str | None,
                              title: str | None, jp: int | None, evidence: str, completed_on: date, today: date,
                              now: datetime) -> dict:
    """Training done outside any plan (a seminar, a course the employee found): JP in the ledger."""
    if principal.nip != nip and not principal.has(Role.HR):
        raise Forbidden("only the employee or HR may record completed training")
    if completed_on > today:
        raise Unprocessable(f"completed_on {completed_on} is in the future")
    async with uow:
        if principal.nip != nip:
            await roster.employee(uow.session, principal.agency, nip)  # 404 outside the caller's agency
        known = {i.code: i for i in await catalogue_repository.load(uow.session, principal.agency)}
        item = known.get(catalogue_code) if catalogue_code else None
        if catalogue_code and item is None:
            raise Unprocessable(f"no catalogue item {catalogue_code}; leave catalogue_code out for other training")
        title = title or (item.title if item else None)
        jp = jp or (item.jp if item else None)
        if not title or not jp:
            raise Unprocessable("title and jp are needed for training outside the catalogue")
        entry = await ledger.credit(
            uow.session, agency_id=principal.agency, nip=nip, jp=jp, catalogue_code=catalogue_code or OUTSIDE_CATALOGUE,
            title=title, competency=item.competency if item else None, evidence=evidence, completed_on=completed_on,
            recorded_by=principal.nip, now=now,
        )
        await uow.publish(_completed_event(entry))
        await access_log.record_change(uow, Kind.JP_LEDGER, str(entry["year"]), nip)
        await uow.commit()
    return _public(entry)


def _completed_event(entry: dict) -> TrainingCompleted:
    return TrainingCompleted(
        agency_id=entry["agency_id"], nip=entry["nip"], year=entry["year"], catalogue_code=entry["catalogue_code"],
        jp=entry["jp"], plan_id=entry["plan_id"], item_id=entry["item_id"], evidence=entry["evidence"],
        completed_on=entry["completed_on"],
    )


def _public(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "agency_id"}
