"""Use cases of target-service: roster import, periods, the SKP lifecycle and realisation."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from kinerja_contracts import (
    ClosedPeriodEmployee,
    EmployeeRegistered,
    Iki,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    Rhk,
    TargetSet,
)
from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy.exc import IntegrityError

from target_service.adapters import repository as repo
from target_service.domain.errors import InvalidInput, NotPermitted, UnknownIndicator, WrongState
from target_service.domain.period import Period, open_period
from target_service.domain.roster import Change, Employee, RowError, plan_import
from target_service.domain.skp import RhkDraft, Skp, plan_rhk
from target_service.service_layer.views import employee_view, period_view, skp_view

PROBLEM_OF = {InvalidInput: Unprocessable, NotPermitted: Forbidden, WrongState: Conflict, UnknownIndicator: NotFound}


@contextmanager
def domain_refusals() -> Iterator[None]:
    """Turn a domain refusal into the matching problem (422, 403, 409, 404)."""
    try:
        yield
    except tuple(PROBLEM_OF) as exc:
        problem = next(p for kind, p in PROBLEM_OF.items() if isinstance(exc, kind))
        raise problem(str(exc), **exc.details) from exc


def _now() -> datetime:
    return datetime.now(UTC)


# --- roster ------------------------------------------------------------------------------
async def import_employees(uow: UnitOfWork, *, agency_id: str, rows: list[tuple[int, dict]],
                           unreadable: list[RowError] = ()) -> dict:
    """Register new and update changed employees; one EmployeeRegistered each, all in one transaction."""
    async with uow:
        plan = plan_import(rows, await repo.roster(uow.session, agency_id), unreadable)
        new = [e for e, c in plan.changes if c is Change.REGISTERED]
        changed = [e for e, c in plan.changes if c is Change.UPDATED]
        try:
            await repo.add_employees(uow.session, agency_id, new)
            await repo.update_employees(uow.session, agency_id, changed)
        except IntegrityError as exc:
            raise Conflict("the roster changed during this import; send it again") from exc
        for e in new + changed:
            await uow.publish(EmployeeRegistered(
                agency_id=agency_id, nip=e.nip, name=e.name, position=e.position, unit=e.unit,
                appraiser_nip=e.appraiser_nip,
            ))
        await uow.commit()
    return {
        "registered": len(new),
        "updated": len(changed),
        "unchanged": plan.count(Change.UNCHANGED),
        "errors": [{"line": e.line, "nip": e.nip, "reason": e.reason} for e in plan.errors],
    }


async def _employee(uow: UnitOfWork, agency_id: str, nip: str) -> Employee:
    found = await repo.employee(uow.session, agency_id, nip)
    if found is None:
        raise NotFound(f"employee {nip} is not registered in this agency", nip=nip)
    return found


async def list_employees(uow: UnitOfWork, *, agency_id: str, limit: int, offset: int, appraiser_nip: str | None) -> dict:
    async with uow:
        total, page = await repo.employee_page(uow.session, agency_id, limit, offset, appraiser_nip)
    return {"items": [employee_view(e) for e in page], "total": total, "limit": limit, "offset": offset}


async def get_employee(uow: UnitOfWork, *, agency_id: str, nip: str) -> dict:
    async with uow:
        return employee_view(await _employee(uow, agency_id, nip))


# --- periods -----------------------------------------------------------------------------
async def _period(uow: UnitOfWork, agency_id: str, period_id: str) -> Period:
    found = await repo.period(uow.session, agency_id, period_id)
    if found is None:
        raise NotFound(f"period {period_id} does not exist in this agency", period_id=period_id)
    return found


async def open_new_period(uow: UnitOfWork, *, agency_id: str, year: int, starts_on: date | None, ends_on: date | None) -> dict:
    with domain_refusals():
        period = open_period(str(uuid.uuid4()), agency_id, year, starts_on, ends_on)
    async with uow:
        existing = await repo.period_of_year(uow.session, agency_id, year)
        if existing is not None:
            raise Conflict(f"the {year} period already exists ({existing.period_id})", period_id=existing.period_id)
        try:
            await repo.add_period(uow.session, period)
        except IntegrityError as exc:
            raise Conflict(f"the {year} period already exists") from exc
        await uow.publish(PerformancePeriodOpened(
            agency_id=agency_id, period_id=period.period_id, year=year, starts_on=period.starts_on, ends_on=period.ends_on,
        ))
        await uow.commit()
    return period_view(period)


async def list_periods(uow: UnitOfWork, *, agency_id: str) -> dict:
    async with uow:
        return {"items": [period_view(p) for p in await repo.all_periods(uow.session, agency_id)]}


async def get_period(uow: UnitOfWork, *, agency_id: str, period_id: str) -> dict:
    async with uow:
        return period_view(await _period(uow, agency_id, period_id))


async def close_period(uow: UnitOfWork, *, agency_id: str, period_id: str) -> dict:
    """Close a period and announce, per employee on the roster, the approved SKP and its realisation count."""
    async with uow:
        period = await _period(uow, agency_id, period_id)
        with domain_refusals():
            period.close(_now())
        await repo.save_period(uow.session, period)
        state = await repo.closing_state(uow.session, agency_id, period_id)
        await uow.publish(PerformancePeriodClosed(
            agency_id=agency_id, period_id=period_id, year=period.year, closed_at=period.closed_at,
            employees=[ClosedPeriodEmployee(nip=nip, skp_id=skp_id, skp_version=version, realization_count=count)
                       for nip, skp_id, version, count in state],
        ))
        await uow.commit()
    return {**period_view(period), "employees": len(state)}


# --- SKP -----------------------------------------------------------------------------------
async def _skp(uow: UnitOfWork, agency_id: str, skp_id: str) -> Skp:
    found = await repo.get_skp(uow.session, agency_id, skp_id)
    if found is None:
        raise NotFound(f"SKP {skp_id} does not exist in this agency", skp_id=skp_id)
    return found


async def _appraiser_of(uow: UnitOfWork, s: Skp) -> str | None:
    owner = await repo.employee(uow.session, s.agency_id, s.nip)
    return owner.appraiser_nip if owner else None


async def _view(uow: UnitOfWork, s: Skp) -> dict:
    return skp_view(s, await repo.realizations_of(uow.session, s.skp_id))


async def create_skp(uow: UnitOfWork, *, agency_id: str, nip: str, period_id: str, rhk: list[RhkDraft]) -> dict:
    """The caller drafts their own SKP for an open period."""
    async with uow:
        await _employee(uow, agency_id, nip)
        period = await _period(uow, agency_id, period_id)
        with domain_refusals():
            period.ensure_open("drafting an SKP")
            s = Skp(str(uuid.uuid4()), agency_id, period_id, nip, plan_rhk(rhk))
        if await repo.skp_exists(uow.session, agency_id, period_id, nip):
            raise Conflict(f"employee {nip} already has an SKP in period {period_id}", period_id=period_id)
        try:
            await repo.add_skp(uow.session, s)
        except IntegrityError as exc:
            raise Conflict(f"employee {nip} already has an SKP in period {period_id}") from exc
        await uow.commit()
        return await _view(uow, s)


async def change_skp(uow: UnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, action: str,
                     rhk: list[RhkDraft] | None = None, notes: str = "") -> dict:
    """One lifecycle step: ``revise`` | ``submit`` (owner), ``approve`` | ``return`` (appraiser)."""
    async with uow:
        s = await _skp(uow, agency_id, skp_id)
        period = await _period(uow, agency_id, s.period_id)
        appraiser = await _appraiser_of(uow, s)
        with domain_refusals():
            if action == "revise":
                s.revise(actor_nip, plan_rhk(rhk or []))
            elif action == "submit":
                s.submit(actor_nip)
            elif action == "approve":
                s.approve(actor_nip, appraiser, _now())
            else:
                s.return_for_revision(actor_nip, appraiser, notes)
            period.ensure_open(f"changing an SKP ({action})")
        await repo.save_skp(uow.session, s, rhk_replaced=action == "revise")
        if action == "approve":
            await uow.publish(_target_set(s))
        await uow.commit()
        return await _view(uow, s)


def _target_set(s: Skp) -> TargetSet:
    return TargetSet(
        agency_id=s.agency_id, period_id=s.period_id, nip=s.nip, skp_id=s.skp_id, version=s.version,
        approved_by=s.approved_by,
        rhk=[Rhk(rhk_id=r.rhk_id, kind=r.kind, description=r.description, indikator=[
            Iki(iki_id=i.iki_id, aspect=i.aspect, description=i.description, target=i.target, unit=i.unit,
                higher_is_better=i.higher_is_better)
            for i in r.indikator
        ]) for r in s.rhk],
    )


def _may_read(s: Skp, appraiser: str | None, actor_nip: str, is_hr: bool) -> None:
    if not s.may_read(actor_nip, appraiser, is_hr):
        raise Forbidden("only the employee, their appraiser or HR may read this SKP")


async def get_skp(uow: UnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool) -> dict:
    async with uow:
        s = await _skp(uow, agency_id, skp_id)
        _may_read(s, await _appraiser_of(uow, s), actor_nip, is_hr)
        return await _view(uow, s)


async def skp_of_employee(uow: UnitOfWork, *, agency_id: str, nip: str, period_id: str | None, actor_nip: str,
                          is_hr: bool) -> dict:
    async with uow:
        owner = await _employee(uow, agency_id, nip)
        if not (is_hr or actor_nip in (nip, owner.appraiser_nip)):
            raise Forbidden("only the employee, their appraiser or HR may read these SKPs")
        found = await repo.skp_of_employee(uow.session, agency_id, nip, period_id)
        return {"items": [await _view(uow, s) for s in found]}


# --- realisation ------------------------------------------------------------------------
async def record_realization(uow: UnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool,
                             iki_id: str, value: float, evidence: str | None) -> dict:
    async with uow:
        s = await _skp(uow, agency_id, skp_id)
        period = await _period(uow, agency_id, s.period_id)
        with domain_refusals():
            s.check_realization(actor_nip, await _appraiser_of(uow, s), is_hr, iki_id, value)
            period.ensure_open("recording a realisation")
        realization = {"realization_id": str(uuid.uuid4()), "iki_id": iki_id, "value": float(value),
                       "evidence": evidence, "recorded_by": actor_nip, "recorded_at": _now()}
        await repo.add_realization(uow.session, agency_id=agency_id, skp_id=skp_id, **realization)
        await uow.publish(RealizationRecorded(
            agency_id=agency_id, period_id=s.period_id, nip=s.nip, skp_id=skp_id, iki_id=iki_id,
            realization_id=realization["realization_id"], value=realization["value"], evidence=evidence,
            recorded_at=realization["recorded_at"],
        ))
        await uow.commit()
    return {**realization, "skp_id": skp_id, "recorded_at": realization["recorded_at"].isoformat()}
