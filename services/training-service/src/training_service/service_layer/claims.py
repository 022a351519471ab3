"""Reviewing claimed training: HR or the employee's current appraiser verifies a claim (its
JP then count, and TrainingCompleted announces them) or rejects it with a note.

A claim is decided once: the decision is a conditional update (``status = 'claimed'``), so
two reviewers at the same moment cannot both verify it and announce its hours twice. Asking
again for the decision already made answers it unchanged; asking for the other one is a 409.
"""

from datetime import datetime

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.problems import Conflict, Forbidden, NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select, update

from training_service.adapters.orm import jp_ledger
from training_service.domain import EntryStatus, may_review
from training_service.service_layer import access, ledger

NO_ENTRY = "no such ledger entry"


async def verify(uow: UnitOfWork, principal: Principal, nip: str, entry_id: str, now: datetime) -> dict:
    return await _decide(uow, principal, nip, entry_id, EntryStatus.VERIFIED, None, now)


async def reject(uow: UnitOfWork, principal: Principal, nip: str, entry_id: str, note: str, now: datetime) -> dict:
    return await _decide(uow, principal, nip, entry_id, EntryStatus.REJECTED, note, now)


async def _entry(uow: UnitOfWork, agency_id: str, nip: str, entry_id: str):
    return (
        await uow.session.execute(
            select(jp_ledger).where(
                jp_ledger.c.agency_id == agency_id, jp_ledger.c.nip == nip, jp_ledger.c.entry_id == entry_id
            )
        )
    ).first()


async def _decide(
    uow: UnitOfWork,
    principal: Principal,
    nip: str,
    entry_id: str,
    decision: EntryStatus,
    note: str | None,
    now: datetime,
) -> dict:
    async with uow:
        await access.may_read(uow, principal, nip, missing=NO_ENTRY)
        entry = await _entry(uow, principal.agency, nip, entry_id)
        if entry is None:
            raise NotFound(NO_ENTRY)
        appraiser = await access.current_appraiser(uow.session, principal.agency, nip)
        if not may_review(principal.nip, nip, reviewer_is_hr=principal.has(Role.HR), current_appraiser=appraiser):
            raise Forbidden("only HR or the employee's appraiser may review claimed training, never the employee")
        decided = await uow.session.execute(
            update(jp_ledger)
            .where(jp_ledger.c.entry_id == entry_id, jp_ledger.c.status == EntryStatus.CLAIMED.value)
            .values(status=decision.value, reviewed_by=principal.nip, reviewed_at=now, review_note=note)
        )
        if decided.rowcount == 1:
            if decision is EntryStatus.VERIFIED:
                await uow.publish(ledger.announcement(await _entry(uow, principal.agency, nip, entry_id)))
            await uow.commit()
        entry = await _entry(uow, principal.agency, nip, entry_id)
    if entry.status != decision.value:
        raise Conflict(f"the entry is already {entry.status}", entry_status=entry.status)
    return ledger.public(entry)
