"""Working through a plan: enrol in an item, complete it with evidence (JP credited to the
ledger -> TrainingCompleted), and record training done outside any plan (a claim until it
is verified, unless HR records it).

Who may work on a plan: whoever may see the employee's development record (the employee,
their current appraiser in the roster, the agency's HR; see ``access``). Anyone else, and
another agency, gets the same 404 as a plan item that does not exist.
"""

from datetime import date

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState

from training_service.domain import (
    EntryStatus,
    completion_date_problem,
    earliest_in_plan,
    earliest_outside_plan,
    status_when_recorded,
)
from training_service.domain.progress import plan_completed
from training_service.service_layer import access, ledger
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

OUTSIDE_CATALOGUE = "luar-katalog"
NO_ITEM = "no such plan item"


def _check_completed_on(completed_on: date, earliest: date, today: date) -> None:
    problem = completion_date_problem(completed_on, earliest, today)
    if problem is not None:
        raise InvalidInput(f"completed_on: {problem}", errors=[{"field": "completed_on", "message": problem}])


async def _item(uow: TrainingUnitOfWork, principal: Principal, plan_id: str, item_id: str) -> tuple[dict, dict]:
    plan = await uow.plans.get(principal.agency, plan_id)
    item = await uow.plans.item(plan_id, item_id) if plan else None
    if plan is None or item is None:
        raise NotFound(NO_ITEM)
    await access.may_read(uow, principal, plan["nip"], missing=NO_ITEM)
    if plan["status"] == "superseded":
        raise WrongState("the plan was superseded by a later plan", superseded_by_plan_id=plan["superseded_by_plan_id"])
    return plan, item


async def enrol(uow: TrainingUnitOfWork, principal: Principal, plan_id: str, item_id: str) -> dict:
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        if item["status"] == "completed":
            raise WrongState("the item is already completed")
        if item["status"] == "planned":
            await uow.plans.enrol_item(item_id, uow.clock.now())
            await access_log.record_change(uow, Kind.PLAN, plan_id, plan["nip"])
            await uow.commit()
    return {"plan_id": plan_id, "item_id": item_id, "status": "enrolled"}


async def complete(
    uow: TrainingUnitOfWork,
    principal: Principal,
    plan_id: str,
    item_id: str,
    *,
    evidence: str,
    completed_on: date,
) -> dict:
    async with uow:
        plan, item = await _item(uow, principal, plan_id, item_id)
        today = await uow.today(plan["agency_id"])
        _check_completed_on(completed_on, earliest_in_plan(plan["year"] or plan["created_at"].year), today)
        if item["status"] == "completed":
            raise WrongState("the item is already completed")
        await uow.plans.complete_item(item_id, completed_on, evidence)
        entry = ledger.new_entry(
            agency_id=plan["agency_id"],
            nip=plan["nip"],
            jp=item["jp"],
            catalogue_code=item["catalogue_code"],
            title=item["title"],
            competency=item["competency"],
            evidence=evidence,
            completed_on=completed_on,
            recorded_by=principal.nip,
            now=uow.clock.now(),
            plan_id=plan_id,
            item_id=item_id,
        )
        await uow.ledger.add(entry)
        status = await _plan_status(uow, plan_id)
        await uow.publish(ledger.announcement(entry))
        await access_log.record_change(uow, Kind.PLAN, plan_id, plan["nip"])
        await uow.commit()
    return {
        "plan_id": plan_id,
        "item_id": item_id,
        "status": "completed",
        "plan_status": status,
        "ledger_entry": ledger.public(entry),
    }


async def _plan_status(uow: TrainingUnitOfWork, plan_id: str) -> str:
    done = plan_completed(await uow.plans.progress_of(plan_id))
    status = "completed" if done else "active"
    await uow.plans.set_status(plan_id, status)
    return status


async def record_outside_plan(
    uow: TrainingUnitOfWork,
    principal: Principal,
    nip: str,
    *,
    catalogue_code: str | None,
    title: str | None,
    jp: int | None,
    evidence: str,
    completed_on: date,
) -> dict:
    """Training done outside any plan (a seminar, a course the employee found). Recorded by
    the employee it is a claim (no JP, no event) until reviewed; recorded by HR it counts."""
    if principal.nip != nip and not principal.has(Role.HR):
        raise NotPermitted("only the employee or HR may record completed training")
    async with uow:
        today = await uow.today(principal.agency)
        _check_completed_on(completed_on, earliest_outside_plan(today), today)
        if principal.nip != nip and await uow.roster.employee(principal.agency, nip) is None:
            raise NotFound("no such employee")  # HR of another agency included
        known = {i.code: i for i in await uow.catalogue.load(principal.agency)}
        item = known.get(catalogue_code) if catalogue_code else None
        if catalogue_code and item is None:
            raise InvalidInput(
                "catalogue_code: no such item in the agency's catalogue; leave it out for other training",
                errors=[{"field": "catalogue_code", "message": "no such catalogue item"}],
            )
        title = title or (item.title if item else None)
        jp = jp or (item.jp if item else None)
        if not title or not jp:
            raise InvalidInput("title and jp are needed for training outside the catalogue")
        status = status_when_recorded(principal.nip, nip, recorder_is_hr=principal.has(Role.HR))
        entry = ledger.new_entry(
            agency_id=principal.agency,
            nip=nip,
            jp=jp,
            catalogue_code=catalogue_code or OUTSIDE_CATALOGUE,
            title=title,
            competency=item.competency if item else None,
            evidence=evidence,
            completed_on=completed_on,
            recorded_by=principal.nip,
            now=uow.clock.now(),
            status=status,
        )
        await uow.ledger.add(entry)
        if status is EntryStatus.VERIFIED:
            await uow.publish(ledger.announcement(entry))
        await access_log.record_change(uow, Kind.JP_LEDGER, str(entry["year"]), nip)
        await uow.commit()
    return ledger.public(entry)
