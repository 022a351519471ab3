"""Reviewing claimed training: HR or the employee's current appraiser verifies a claim (its
JP then count, and TrainingCompleted announces them) or rejects it with a note.

A claim is decided once: the decision is a conditional update (``status = 'claimed'``), so
two reviewers at the same moment cannot both verify it and announce its hours twice. Asking
again for the decision already made answers it unchanged; asking for the other one is a 409.
"""

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.refusals import NotFound, NotPermitted, WrongState

from training_service.domain import EntryStatus, may_review
from training_service.service_layer import access, ledger
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

NO_ENTRY = "no such ledger entry"


async def verify(uow: TrainingUnitOfWork, principal: Principal, nip: str, entry_id: str) -> dict:
    return await _decide(uow, principal, nip, entry_id, EntryStatus.VERIFIED, None)


async def reject(uow: TrainingUnitOfWork, principal: Principal, nip: str, entry_id: str, note: str) -> dict:
    return await _decide(uow, principal, nip, entry_id, EntryStatus.REJECTED, note)


async def _decide(
    uow: TrainingUnitOfWork,
    principal: Principal,
    nip: str,
    entry_id: str,
    decision: EntryStatus,
    note: str | None,
) -> dict:
    async with uow:
        await access.may_read(uow, principal, nip, missing=NO_ENTRY)
        await _entry(uow, principal.agency, nip, entry_id)
        appraiser = await uow.roster.appraiser_of(principal.agency, nip)
        if not may_review(principal.nip, nip, reviewer_is_hr=principal.has(Role.HR), current_appraiser=appraiser):
            raise NotPermitted("only HR or the employee's appraiser may review claimed training, never the employee")
        if await uow.ledger.decide_claim(entry_id, decision, principal.nip, uow.clock.now(), note):
            if decision is EntryStatus.VERIFIED:
                await uow.publish(ledger.announcement(await _entry(uow, principal.agency, nip, entry_id)))
            await uow.commit()
        entry = await _entry(uow, principal.agency, nip, entry_id)
    if entry["status"] != decision.value:
        raise WrongState(f"the entry is already {entry['status']}", entry_status=entry["status"])
    return ledger.public(entry)


async def _entry(uow: TrainingUnitOfWork, agency_id: str, nip: str, entry_id: str) -> dict:
    entry = await uow.ledger.entry(agency_id, nip, entry_id)
    if entry is None:
        raise NotFound(NO_ENTRY)
    return entry
