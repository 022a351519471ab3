"""Transfer requests between agencies, as target-service stores them."""

from kinerja_runtime.db import Executor
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from target_service.adapters.orm import transfer_requests as requests
from target_service.domain.transfer import RequestStatus, TransferRequest


def _request(row) -> TransferRequest:
    return TransferRequest(
        row.request_id,
        row.nip,
        row.name,
        row.position,
        row.from_agency_id,
        row.to_agency_id,
        row.effective_on,
        row.requested_by,
        row.requested_at,
        row.proposed_unit_id,
        row.proposed_position,
        RequestStatus(row.status),
        row.decided_by,
        row.decided_at,
        row.reason,
    )


class TransferRepository:
    def __init__(self, session: Executor):
        self.session = session

    async def add(self, r: TransferRequest) -> bool:
        """False (nothing stored) when the sending agency already has a pending request for the employee."""
        try:
            await self.session.execute(
                insert(requests).values(
                    request_id=r.request_id,
                    nip=r.nip,
                    name=r.name,
                    position=r.position,
                    from_agency_id=r.from_agency,
                    to_agency_id=r.to_agency,
                    effective_on=r.effective_on,
                    proposed_unit_id=r.proposed_unit_id,
                    proposed_position=r.proposed_position,
                    status=r.status.value,
                    pending_nip=r.nip if r.status is RequestStatus.PENDING else None,
                    requested_by=r.requested_by,
                    requested_at=r.requested_at,
                )
            )
        except IntegrityError:
            return False
        return True

    async def get(self, request_id: str) -> TransferRequest | None:
        row = (await self.session.execute(select(requests).where(requests.c.request_id == request_id))).first()
        return _request(row) if row else None

    async def save_decision(self, r: TransferRequest) -> bool:
        """Store the request's decision if it was still pending; False when another request decided it meanwhile."""
        result = await self.session.execute(
            update(requests)
            .where(requests.c.request_id == r.request_id, requests.c.status == RequestStatus.PENDING.value)
            .values(
                status=r.status.value,
                pending_nip=None,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                reason=r.reason,
            )
        )
        return result.rowcount == 1

    async def page(
        self, *, agency_id: str, incoming: bool, status: RequestStatus | None, limit: int, offset: int
    ) -> tuple[int, list[TransferRequest]]:
        where = [(requests.c.to_agency_id if incoming else requests.c.from_agency_id) == agency_id]
        if status is not None:
            where.append(requests.c.status == status.value)
        total = await self.session.scalar(select(func.count()).select_from(requests).where(*where))
        rows = await self.session.execute(
            select(requests)
            .where(*where)
            .order_by(requests.c.requested_at, requests.c.request_id)
            .limit(limit)
            .offset(offset)
        )
        return total or 0, [_request(row) for row in rows]
