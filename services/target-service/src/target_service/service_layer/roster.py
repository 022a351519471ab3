"""Use cases of the roster: bulk import, reading, and transfers between units and agencies."""

from datetime import date

from kinerja_contracts import EmployeeRegistered, EmployeeTransferred
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.problems import Conflict, NotFound, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy.exc import IntegrityError

from target_service.adapters import organisation as units_repo
from target_service.adapters import roster as repo
from target_service.domain.roster import Change, Employee, RowError, plan_import
from target_service.domain.transfer import plan_transfer
from target_service.service_layer.refusals import domain_refusals
from target_service.service_layer.views import employee_view


def registered(agency_id: str, e: Employee) -> EmployeeRegistered:
    return EmployeeRegistered(agency_id=agency_id, nip=e.nip, name=e.name, position=e.position, unit=e.unit,
                              appraiser_nip=e.appraiser_nip, unit_id=e.unit_id)


async def import_employees(uow: UnitOfWork, *, agency_id: str, rows: list[tuple[int, dict]],
                           unreadable: list[RowError] = ()) -> dict:
    """Register new and update changed employees; one EmployeeRegistered each, all in one transaction."""
    async with uow:
        units = {u.unit_id: u.name for u in (await units_repo.units(uow.session, agency_id)).values()}
        plan = plan_import(rows, await repo.roster(uow.session, agency_id), unreadable, units)
        new = [e for e, c in plan.changes if c is Change.REGISTERED]
        changed = [e for e, c in plan.changes if c is Change.UPDATED]
        try:
            await repo.add_employees(uow.session, agency_id, new)
            await repo.update_employees(uow.session, agency_id, changed)
        except IntegrityError as exc:
            raise Conflict("the roster changed during this import; send it again") from exc
        await uow.publish_many([registered(agency_id, e) for e in new + changed])
        await access_log.record_changes(uow, [(Kind.ROSTER, e.nip, e.nip) for e in new + changed])
        await uow.commit()
    return {
        "registered": len(new),
        "updated": len(changed),
        "unchanged": plan.count(Change.UNCHANGED),
        "errors": [{"line": e.line, "nip": e.nip, "reason": e.reason} for e in plan.errors],
    }


async def employee_or_404(uow: UnitOfWork, agency_id: str, nip: str) -> Employee:
    found = await repo.employee(uow.session, agency_id, nip)
    if found is None:
        raise NotFound(f"employee {nip} is not registered in this agency", nip=nip)
    return found


async def list_employees(uow: UnitOfWork, *, agency_id: str, limit: int, offset: int, appraiser_nip: str | None) -> dict:
    async with uow:
        total, page = await repo.employee_page(uow.session, agency_id, limit, offset, appraiser_nip)
        await access_log.record_reads(uow, [(Kind.ROSTER, e.nip, e.nip) for e in page])
    return {"items": [employee_view(e) for e in page], "total": total, "limit": limit, "offset": offset}


async def get_employee(uow: UnitOfWork, *, agency_id: str, nip: str) -> dict:
    async with uow:
        employee = await employee_or_404(uow, agency_id, nip)
        await access_log.record_read(uow, Kind.ROSTER, employee.nip, employee.nip)
    return employee_view(employee)


async def transfer_employee(uow: UnitOfWork, *, agency_id: str, nip: str, unit_id: str, position: str | None,
                            appraiser_nip: str | None, to_agency_id: str | None, effective_on: date) -> dict:
    """Move an employee to a unit of this or another agency -> EmployeeTransferred.

    Leaving the agency removes them from its roster (its HR sees a 404 from then on); their
    SKPs of earlier periods stay with the agency they were made in."""
    async with uow:
        employee = await employee_or_404(uow, agency_id, nip)
        to_agency = to_agency_id or agency_id
        if to_agency != agency_id and appraiser_nip is not None:
            # The receiving agency's own structure decides who appraises its staff: the head of
            # the unit the employee joins, never a NIP chosen by the sending agency.
            raise Unprocessable("appraiser_nip cannot be set for a transfer to another agency", field="appraiser_nip")
        destination_units = await units_repo.units(uow.session, to_agency)
        unit = destination_units.get(unit_id)
        if unit is None:
            # Worded the same for any agency, so the sender cannot map another agency's units.
            raise Unprocessable(f"unit_id {unit_id} cannot receive this transfer", unit_id=unit_id)
        with domain_refusals():
            transfer = plan_transfer(employee, from_agency=agency_id, to_agency=to_agency_id, unit=unit,
                                     destination_units=destination_units, position=position,
                                     appraiser_nip=appraiser_nip, effective_on=effective_on)
        if transfer.between_agencies:
            if await repo.employee(uow.session, to_agency, nip) is not None:
                raise Conflict(f"employee {nip} is already on the roster of agency {to_agency}", nip=nip)
            await repo.remove_employee(uow.session, agency_id, nip)
            await repo.add_employees(uow.session, to_agency, [transfer.moved])
        else:
            await repo.update_employees(uow.session, agency_id, [transfer.moved])
        moved = transfer.moved
        await uow.publish(EmployeeTransferred(
            agency_id=to_agency, nip=nip, previous_agency_id=agency_id, previous_unit_id=transfer.previous_unit_id,
            unit_id=unit.unit_id, unit=moved.unit, position=moved.position, appraiser_nip=moved.appraiser_nip,
            effective_on=effective_on,
        ))
        await access_log.record_change(uow, Kind.ROSTER, nip, nip)
        await uow.commit()
    return {**employee_view(moved), "agency_id": to_agency, "previous_agency_id": agency_id,
            "previous_unit_id": transfer.previous_unit_id, "effective_on": effective_on.isoformat()}
