"""Use cases of a move into another agency: the sending HR asks, the receiving HR accepts (the
employee moves, EmployeeTransferred) or declines; the sender may withdraw while it is pending.

What each side is told is the point (issue 8): the sender learns nothing of the receiving
agency but its answer. Asking never reads the receiving agency's roster or units, so no answer
to the sender depends on them; the receiver's choices (unit, appraiser, who decided) are not
shown to the sender, nor the sender's officer to the receiver."""

import uuid
from datetime import date

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import InvalidInput, NotFound, WrongState

from target_service.domain.transfer import RequestStatus, TransferRequest, ask_transfer, plan_transfer
from target_service.service_layer.roster import employee_or_404, transferred
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import employee_view

NO_REQUEST = "no such transfer request"


def request_view(r: TransferRequest, agency_id: str) -> dict:
    """The request as one of its two agencies sees it: each side sees its own officers only (the
    sender's HR asks and may withdraw; the receiver's HR accepts or declines)."""
    sender = agency_id == r.from_agency
    decided_here = r.decided_by is not None and (r.status is RequestStatus.WITHDRAWN) == sender
    return {
        "request_id": r.request_id,
        "nip": r.nip,
        "name": r.name,
        "position": r.position,
        "from_agency_id": r.from_agency,
        "to_agency_id": r.to_agency,
        "effective_on": r.effective_on.isoformat(),
        "proposed_unit_id": r.proposed_unit_id,
        "proposed_position": r.proposed_position,
        "status": r.status.value,
        "requested_at": r.requested_at.isoformat(),
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "reason": r.reason,
        "requested_by": r.requested_by if sender else None,
        "decided_by": r.decided_by if decided_here else None,
    }


async def request_transfer(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    requested_by: str,
    nip: str,
    to_agency_id: str,
    unit_id: str | None,
    position: str | None,
    appraiser_nip: str | None,
    effective_on: date,
) -> dict:
    """Ask ``to_agency_id`` to take in an employee of this agency; they stay here until it accepts."""
    async with uow:
        employee = await employee_or_404(uow, agency_id, nip)
        request = ask_transfer(
            str(uuid.uuid4()),
            employee,
            from_agency=agency_id,
            to_agency=to_agency_id,
            requested_by=requested_by,
            requested_at=uow.clock.now(),
            effective_on=effective_on,
            proposed_unit_id=unit_id,
            proposed_position=position,
            appraiser_nip=appraiser_nip,
        )
        if not await uow.transfers.add(request):
            raise WrongState("a transfer request for this employee is already pending; withdraw it first")
        await access_log.record_change(uow, Kind.ROSTER, nip, nip)
        await uow.commit()
    return request_view(request, agency_id)


async def _concerning(uow: TargetUnitOfWork, agency_id: str, request_id: str) -> TransferRequest:
    """The request, if this agency is one of its two sides; for any other agency it does not exist."""
    found = await uow.transfers.get(request_id)
    if found is None or not found.concerns(agency_id):
        raise NotFound(NO_REQUEST)
    return found


async def get_request(uow: TargetUnitOfWork, *, agency_id: str, request_id: str) -> dict:
    async with uow:
        return request_view(await _concerning(uow, agency_id, request_id), agency_id)


async def list_requests(
    uow: TargetUnitOfWork, *, agency_id: str, incoming: bool, status: RequestStatus | None, limit: int, offset: int
) -> dict:
    async with uow:
        total, found = await uow.transfers.page(
            agency_id=agency_id, incoming=incoming, status=status, limit=limit, offset=offset
        )
    return {"items": [request_view(r, agency_id) for r in found], "total": total, "limit": limit, "offset": offset}


async def _save_decision(uow: TargetUnitOfWork, request: TransferRequest) -> None:
    if not await uow.transfers.save_decision(request):
        raise WrongState("the transfer request was decided by another request meanwhile; reload it")


async def accept_request(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    decided_by: str,
    request_id: str,
    unit_id: str | None,
    position: str | None,
    appraiser_nip: str | None,
) -> dict:
    """The receiving HR takes the employee into one of its units: they leave the sending agency's
    roster, join this one's, and EmployeeTransferred says so (as a move made at once always did)."""
    async with uow:
        request = await _concerning(uow, agency_id, request_id)
        request.accept(agency_id, decided_by, uow.clock.now())
        unit_id = unit_id or request.proposed_unit_id
        if unit_id is None:
            raise InvalidInput("unit_id is required: the unit of this agency the employee joins", field="unit_id")
        units = await uow.organisation.units(agency_id)
        unit = units.get(unit_id)
        if unit is None:
            raise InvalidInput("unit_id is not a work unit of this agency", field="unit_id")
        if await uow.roster.employee(agency_id, request.nip) is not None:
            raise WrongState("the employee is already on this agency's roster; decline the request")
        # A pending request keeps the employee on the sender's roster (only an accepted request
        # removes anyone from a roster); checked all the same, as a conflict rather than a 404.
        employee = await uow.roster.employee(request.from_agency, request.nip)
        if employee is None:
            raise WrongState("the employee is no longer on the sending agency's roster; decline the request")
        transfer = plan_transfer(
            employee,
            from_agency=request.from_agency,
            to_agency=agency_id,
            unit=unit,
            destination_units=units,
            position=position or request.proposed_position,
            appraiser_nip=appraiser_nip,
            effective_on=request.effective_on,
        )
        await _save_decision(uow, request)
        await uow.roster.remove(request.from_agency, request.nip)
        await uow.roster.add(agency_id, [transfer.moved])
        await uow.publish(transferred(transfer, unit.unit_id))
        await access_log.record_change(uow, Kind.ROSTER, request.nip, request.nip)
        await uow.commit()
    return {**request_view(request, agency_id), "employee": employee_view(transfer.moved)}


async def decline_request(
    uow: TargetUnitOfWork, *, agency_id: str, decided_by: str, request_id: str, reason: str | None
) -> dict:
    async with uow:
        request = await _concerning(uow, agency_id, request_id)
        request.decline(agency_id, decided_by, uow.clock.now(), reason)
        await _save_decision(uow, request)
        await uow.commit()
    return request_view(request, agency_id)


async def withdraw_request(uow: TargetUnitOfWork, *, agency_id: str, decided_by: str, request_id: str) -> dict:
    async with uow:
        request = await _concerning(uow, agency_id, request_id)
        request.withdraw(agency_id, decided_by, uow.clock.now())
        await _save_decision(uow, request)
        await uow.commit()
    return request_view(request, agency_id)
