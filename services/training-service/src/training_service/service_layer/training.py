"""Working through a plan: enrol in an item, complete it with evidence (JP credited to the
ledger -> TrainingCompleted), and record training done outside any plan (a claim until it
is verified, unless HR records it).

Who may work on a plan: whoever may see the employee's development record (the employee,
their current appraiser in the roster, the agency's HR; see ``access``). Anyone else, and
another agency, gets the same 404 as a plan item that does not exist.
"""

from datetime import date, datetime

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable
from kinerja_runtime.roster import known_employees
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select, update

from training_service.adapters import catalogue_repository
from training_service.adapters.orm import plan_items, plans
from training_service.domain import (
    EntryStatus,
    completion_date_problem,
    earliest_in_plan,
    earliest_outside_plan,
    status_when_recorded,
)
from training_service.domain.progress import ItemProgress, plan_completed
from training_service.service_layer import access, ledger

OUTSIDE_CATALOGUE = "luar-katalog"
NO_ITEM = "no such plan item"


def _check_completed_on(completed_on: date, earliest: date, today: date) -> None:
    problem = completion_date_problem(completed_on, earliest, today)
    if problem is not None:
        raise Unprocessable(f"completed_on: {problem}", errors=[{"field": "completed_on", "message": problem}])


async def _item(uow: UnitOfWork, principal: Principal, plan_id: str, item_id: str):
    plan = (
        await uow.session.execute(
            select(plans).where(
                plans.c.plan_id == plan_id,
                plans.c.agency_id == principal.agency,
            )
        )
    ).first()
    item = (
        (
            await uow.session.execute(
                select(plan_items).where(
                    plan_items.c.plan_id == plan_id,
                    plan_items.c.item_id == item_id,
                )
            )
        ).first()
        if plan
        else None
    )
    if item is None:
        raise NotFound(NO_ITEM)
    await access.may_read(uow, principal, plan.nip, missing=NO_ITEM)
    if plan.status == "superseded":
        raise Conflict("the plan was superseded by a later plan", superseded_by_plan_id=plan.superseded_by_plan_id)
    return plan, item


async def enrol(uow: UnitOfWork, principal: Principal, plan_id: str, item_id: str, now: datetime) -> dict:
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        if item.status == "completed":
            raise Conflict("the item is already completed")
        if item.status == "planned":
            await uow.session.execute(
                update(plan_items).where(plan_items.c.item_id == item_id).values(status="enrolled", enrolled_at=now)
            )
            await access_log.record_change(uow, Kind.PLAN, plan_id, plan.nip)
            await uow.commit()
    return {"plan_id": plan_id, "item_id": item_id, "status": "enrolled"}


async def complete(
    uow: UnitOfWork,
    principal: Principal,
    plan_id: str,
    item_id: str,
    *,
    evidence: str,
    completed_on: date,
    today: date,
    now: datetime,
) -> dict:
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        _check_completed_on(completed_on, earliest_in_plan(plan.year or plan.created_at.year), today)
        if item.status == "completed":
            raise Conflict("the item is already completed")
        await uow.session.execute(
            update(plan_items)
            .where(plan_items.c.item_id == item_id)
            .values(
                status="completed",
                completed_on=completed_on,
                evidence=evidence,
            )
        )
        entry = await ledger.credit(
            uow.session,
            agency_id=plan.agency_id,
            nip=plan.nip,
            jp=item.jp,
            catalogue_code=item.catalogue_code,
            title=item.title,
            competency=item.competency,
            evidence=evidence,
            completed_on=completed_on,
            recorded_by=principal.nip,
            now=now,
            plan_id=plan_id,
            item_id=item_id,
        )
        status = await _plan_status(uow, plan_id)
        await uow.publish(ledger.announcement(entry))
        await access_log.record_change(uow, Kind.PLAN, plan_id, plan.nip)
        await uow.commit()
    return {
        "plan_id": plan_id,
        "item_id": item_id,
        "status": "completed",
        "plan_status": status,
        "ledger_entry": ledger.public(entry),
    }


async def _plan_status(uow: UnitOfWork, plan_id: str) -> str:
    items = (
        await uow.session.execute(
            select(plan_items.c.mandatory, plan_items.c.status).where(plan_items.c.plan_id == plan_id)
        )
    ).all()
    done = plan_completed(ItemProgress(i.mandatory, i.status == "completed") for i in items)
    status = "completed" if done else "active"
    await uow.session.execute(update(plans).where(plans.c.plan_id == plan_id).values(status=status))
    return status


async def record_outside_plan(
    uow: UnitOfWork,
    principal: Principal,
    nip: str,
    *,
    catalogue_code: str | None,
    title: str | None,
    jp: int | None,
    evidence: str,
    completed_on: date,
    today: date,
    now: datetime,
) -> dict:
    """Training done outside any plan (a seminar, a course the employee found). Recorded by
    the employee it is a claim (no JP, no event) until reviewed; recorded by HR it counts."""
    if principal.nip != nip and not principal.has(Role.HR):
        raise Forbidden("only the employee or HR may record completed training")
    _check_completed_on(completed_on, earliest_outside_plan(today), today)
    async with uow:
        if (
            principal.nip != nip
            and await uow.session.scalar(
                select(known_employees.c.nip).where(
                    known_employees.c.agency_id == principal.agency, known_employees.c.nip == nip
                )
            )
            is None
        ):
            raise NotFound("no such employee")  # HR of another agency included
        known = {i.code: i for i in await catalogue_repository.load(uow.session, principal.agency)}
        item = known.get(catalogue_code) if catalogue_code else None
        if catalogue_code and item is None:
            raise Unprocessable(
                "catalogue_code: no such item in the agency's catalogue; leave it out for other training",
                errors=[{"field": "catalogue_code", "message": "no such catalogue item"}],
            )
        title = title or (item.title if item else None)
        jp = jp or (item.jp if item else None)
        if not title or not jp:
            raise Unprocessable("title and jp are needed for training outside the catalogue")
        status = status_when_recorded(principal.nip, nip, recorder_is_hr=principal.has(Role.HR))
        entry = await ledger.credit(
            uow.session,
            agency_id=principal.agency,
            nip=nip,
            jp=jp,
            catalogue_code=catalogue_code or OUTSIDE_CATALOGUE,
            title=title,
            competency=item.competency if item else None,
            evidence=evidence,
            completed_on=completed_on,
            recorded_by=principal.nip,
            now=now,
            status=status,
        )
        if status is EntryStatus.VERIFIED:
            await uow.publish(ledger.announcement(entry))
        await access_log.record_change(uow, Kind.JP_LEDGER, str(entry["year"]), nip)
        await uow.commit()
    return ledger.public(entry)
