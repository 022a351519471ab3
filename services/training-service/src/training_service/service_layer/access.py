"""Who may see and work on an employee's development record (plans, the JP ledger): the
employee, the agency's HR, and the employee's appraiser as the roster names them now.

Access follows the current roster, not history (issue 8 item 4): the mentor named on a plan
item keeps no access once the employee has moved to another appraiser; the new appraiser
has it. Every refusal answers exactly like a record that does not exist (404, one text
naming no person or id), so a caller cannot learn whose records exist.
"""

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.refusals import NotFound

from training_service.service_layer.unit_of_work import TrainingUnitOfWork

NO_RECORD = "no such development record"


async def may_see(uow: TrainingUnitOfWork, principal: Principal, nip: str) -> bool:
    if principal.nip == nip or principal.has(Role.HR):
        return True
    return principal.nip == await uow.roster.appraiser_of(principal.agency, nip)


async def may_read(uow: TrainingUnitOfWork, principal: Principal, nip: str, missing: str = NO_RECORD) -> None:
    """Raise the ``missing`` 404 unless the caller may see the employee's development record."""
    if not await may_see(uow, principal, nip):
        raise NotFound(missing)
