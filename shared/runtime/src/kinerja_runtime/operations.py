"""Operator endpoints every service exposes: the outbox rows the broker refused (parked), and
queueing one again once its cause is fixed.

HR sees its own agency's rows; a province admin sees every agency's. Payloads are not shown:
they may carry personal data (and feedback must stay anonymous); the event id, type, key and
size are what an operator needs to find the cause.
"""

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from kinerja_runtime.auth import Principal, Role, require_roles
from kinerja_runtime.outbox import parked_rows, requeue_parked
from kinerja_runtime.refusals import NotFound

operations_router = APIRouter(prefix="/operations", tags=["operations"])

operator = require_roles(Role.HR, Role.PROVINCE_ADMIN)


class ParkedOutboxRow(BaseModel):
    event_id: str
    event_type: str
    topic: str
    record_key: str
    agency: str | None
    created_at: datetime
    parked_at: datetime
    reason: str
    payload_bytes: int


def _scope(principal: Principal) -> str | None:
    """The agency whose rows the caller may see; None for all of them."""
    return None if principal.has(Role.PROVINCE_ADMIN) else principal.agency


@operations_router.get(
    "/outbox/parked", summary="Outbox rows the broker refused, with the reason", response_model=list[ParkedOutboxRow]
)
async def list_parked(
    request: Request, limit: int = Query(100, ge=1, le=1000), principal: Principal = Depends(operator)
) -> list[ParkedOutboxRow]:
    rows = await parked_rows(request.app.state.runtime.sessions, agency=_scope(principal), limit=limit)
    return [
        ParkedOutboxRow(
            event_id=r.event_id,
            event_type=r.event_type,
            topic=r.topic,
            record_key=r.record_key,
            agency=r.agency,
            created_at=r.created_at,
            parked_at=r.parked_at,
            reason=r.reason,
            payload_bytes=r.payload_bytes,
        )
        for r in rows
    ]


@operations_router.post("/outbox/parked/{event_id}/requeue", summary="Queue a parked outbox row again", status_code=202)
async def requeue(request: Request, event_id: str, principal: Principal = Depends(operator)) -> dict:
    runtime = request.app.state.runtime
    if not await requeue_parked(runtime.sessions, event_id, agency=_scope(principal)):
        raise NotFound("no such parked outbox row")
    runtime.relay.wake()
    return {"event_id": event_id, "status": "queued"}
