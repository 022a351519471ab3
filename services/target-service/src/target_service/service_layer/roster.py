"""Use cases of the roster: bulk import, reading (who may read whom), and moves between units."""

from collections.abc import Sequence
from datetime import date

from kinerja_contracts import EmployeeRegistered, EmployeeTransferred
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import InvalidInput, NotFound, WrongState

from target_service.domain.roster import Change, Employee, RowError, may_read_record, plan_import
from target_service.domain.transfer import Transfer, plan_transfer
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import employee_view


def registered(agency_id: str, e: Employee) -> EmployeeRegistered:
    return EmployeeRegistered(
        agency_id=agency_id,
        nip=e.nip,
        name=e.name,
        position=e.position,
        unit=e.unit,
        appraiser_nip=e.appraiser_nip,
        unit_id=e.unit_id,
    )


async def import_employees(
    uow: TargetUnitOfWork, *, agency_id: str, rows: list[tuple[int, dict]], unreadable: Sequence[RowError] = ()
) -> dict:
    """Register new and update changed employees; one EmployeeRegistered each, all in one transaction."""
    async with uow:
        units = {u.unit_id: u.name for u in (await uow.organisation.units(agency_id)).values()}
        plan = plan_import(rows, await uow.roster.all(agency_id), unreadable, units)
        new = [e for e, c in plan.changes if c is Change.REGISTERED]
        changed = [e for e, c in plan.changes if c is Change.UPDATED]
        if not await uow.roster.import_changes(agency_id, new, changed):
            raise WrongState("the roster changed during this import; send it again")
        await uow.publish_many([registered(agency_id, e) for e in new + changed])
        await access_log.record_changes(uow, [(Kind.ROSTER, e.nip, e.nip) for e in new + changed])
        await uow.commit()
    return {
        "registered": len(new),
        "updated": len(changed),
        "unchanged": plan.count(Change.UNCHANGED),
        "errors": [{"line": e.line, "nip": e.nip, "reason": e.reason} for e in plan.errors],
    }


NO_EMPLOYEE = "no such employee in this agency"


async def employee_or_404(uow: TargetUnitOfWork, agency_id: str, nip: str) -> Employee:
    found = await uow.roster.employee(agency_id, nip)
    if found is None:
        raise NotFound(NO_EMPLOYEE)
    return found


async def readable_employee(
    uow: TargetUnitOfWork, agency_id: str, nip: str, *, reader_nip: str, reader_is_hr: bool
) -> Employee:
    """The employee, if the reader may read their record (domain.roster.may_read_record); a record
    the reader may not read answers exactly like a missing one."""
    found = await uow.roster.employee(agency_id, nip)
    if found is None or not may_read_record(reader_nip, reader_is_hr, found.nip, found.appraiser_nip):
        raise NotFound(NO_EMPLOYEE)
    return found


async def list_employees(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    reader_nip: str,
    reader_is_hr: bool,
    limit: int,
    offset: int,
    appraiser_nip: str | None,
) -> dict:
    """HR pages through the whole roster (optionally one appraiser's team); anyone else through
    the team they appraise now, and an ``appraiser_nip`` other than their own finds nobody."""
    if not reader_is_hr and appraiser_nip not in (None, reader_nip):
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    async with uow:
        total, page = await uow.roster.page(agency_id, limit, offset, appraiser_nip if reader_is_hr else reader_nip)
        await access_log.record_reads(uow, [(Kind.ROSTER, e.nip, e.nip) for e in page])
    return {"items": [employee_view(e) for e in page], "total": total, "limit": limit, "offset": offset}


async def get_employee(uow: TargetUnitOfWork, *, agency_id: str, nip: str, reader_nip: str, reader_is_hr: bool) -> dict:
    async with uow:
        employee = await readable_employee(uow, agency_id, nip, reader_nip=reader_nip, reader_is_hr=reader_is_hr)
        await access_log.record_read(uow, Kind.ROSTER, employee.nip, employee.nip)
    return employee_view(employee)


def transferred(transfer: Transfer, unit_id: str) -> EmployeeTransferred:
    moved = transfer.moved
    return EmployeeTransferred(
        agency_id=transfer.to_agency,
        nip=transfer.nip,
        previous_agency_id=transfer.from_agency,
        previous_unit_id=transfer.previous_unit_id,
        unit_id=unit_id,
        unit=moved.unit,
        position=moved.position,
        appraiser_nip=moved.appraiser_nip,
        effective_on=transfer.effective_on,
    )


async def transfer_employee(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    nip: str,
    unit_id: str | None,
    position: str | None,
    appraiser_nip: str | None,
    effective_on: date,
) -> dict:
    """Move an employee to another unit of this agency -> EmployeeTransferred.

    (A move to another agency is a request that agency accepts: service_layer.transfers.)"""
    if unit_id is None:
        raise InvalidInput("unit_id is required: the unit the employee joins", field="unit_id")
    async with uow:
        employee = await employee_or_404(uow, agency_id, nip)
        units = await uow.organisation.units(agency_id)
        unit = units.get(unit_id)
        if unit is None:
            raise InvalidInput("unit_id is not a work unit of this agency", field="unit_id")
        transfer = plan_transfer(
            employee,
            from_agency=agency_id,
            to_agency=agency_id,
            unit=unit,
            destination_units=units,
            position=position,
            appraiser_nip=appraiser_nip,
            effective_on=effective_on,
        )
        await uow.roster.update(agency_id, [transfer.moved])
        await uow.publish(transferred(transfer, unit.unit_id))
        await access_log.record_change(uow, Kind.ROSTER, nip, nip)
        await uow.commit()
    return {
        **employee_view(transfer.moved),
        "agency_id": agency_id,
        "previous_agency_id": agency_id,
        "previous_unit_id": transfer.previous_unit_id,
        "effective_on": effective_on.isoformat(),
    }
