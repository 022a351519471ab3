"""HTTP routes of transfer requests between agencies: the receiving HR lists, accepts or
declines them; the sending HR follows and may withdraw its own (the request is made with
POST /employees/{nip}/transfer and a to_agency_id)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from kinerja_contracts.limits import NAME_MAX
from kinerja_runtime.inputs import Offset, page_limit
from pydantic import Field

from target_service.domain.transfer import RequestStatus
from target_service.entrypoints.deps import HR, Strict, Uow
from target_service.service_layer import transfers

router = APIRouter(tags=["roster"])


class AcceptIn(Strict):
    unit_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        description="the unit of this agency the employee joins; default: the one proposed",
    )
    position: str | None = Field(None, max_length=NAME_MAX, description="default: the one proposed, else unchanged")
    appraiser_nip: str | None = Field(None, max_length=18, description="default: the unit's head")


class DeclineIn(Strict):
    reason: str | None = Field(None, max_length=NAME_MAX, description="shown to the sending agency")


@router.get(
    "/transfer-requests",
    summary="This agency's transfer requests: incoming (to accept or decline) or outgoing, oldest first (HR)",
)
async def list_requests(
    principal: HR,
    uow: Uow,
    direction: Annotated[Literal["incoming", "outgoing"], Query()] = "incoming",
    status: Annotated[RequestStatus | None, Query(description="e.g. pending; default: any")] = None,
    limit: page_limit(200) = 50,
    offset: Offset = 0,
):
    return await transfers.list_requests(
        uow, agency_id=principal.agency, incoming=direction == "incoming", status=status, limit=limit, offset=offset
    )


@router.get("/transfer-requests/{request_id}", summary="One transfer request (HR of either agency)")
async def get_request(request_id: str, principal: HR, uow: Uow):
    return await transfers.get_request(uow, agency_id=principal.agency, request_id=request_id)


@router.post(
    "/transfer-requests/{request_id}/accept",
    summary="Take the employee into a unit of this agency (receiving HR) -> EmployeeTransferred",
)
async def accept_request(request_id: str, body: AcceptIn, principal: HR, uow: Uow):
    return await transfers.accept_request(
        uow,
        agency_id=principal.agency,
        decided_by=principal.nip,
        request_id=request_id,
        unit_id=body.unit_id,
        position=body.position,
        appraiser_nip=body.appraiser_nip,
    )


@router.post("/transfer-requests/{request_id}/decline", summary="Decline the transfer (receiving HR)")
async def decline_request(request_id: str, body: DeclineIn, principal: HR, uow: Uow):
    return await transfers.decline_request(
        uow, agency_id=principal.agency, decided_by=principal.nip, request_id=request_id, reason=body.reason
    )


@router.post("/transfer-requests/{request_id}/withdraw", summary="Withdraw a pending transfer request (sending HR)")
async def withdraw_request(request_id: str, principal: HR, uow: Uow):
    return await transfers.withdraw_request(
        uow, agency_id=principal.agency, decided_by=principal.nip, request_id=request_id
    )
