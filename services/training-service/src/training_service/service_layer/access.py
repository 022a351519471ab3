"""Who may see and work on an employee's development record (plans, the JP ledger): the
employee, the agency's HR, and the employee's appraiser as the roster names them now.

Access follows the current roster, not history (issue 8 item 4): the mentor named on a plan
item keeps no access once the employee has moved to another appraiser; the new appraiser
has it. Every refusal answers exactly like a record that does not exist (404, one text
naming no person or id), so a caller cannot learn whose records exist.
"""

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.problems import NotFound
from kinerja_runtime.roster import known_employees
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

NO_RECORD = "no such development record"


async def current_appraiser(session: AsyncSession, agency_id: str, nip: str) -> str | None:
    """The employee's appraiser in the roster projection, if the roster names one."""
    return await session.scalar(
        select(known_employees.c.appraiser_nip).where(
            known_employees.c.agency_id == agency_id, known_employees.c.nip == nip
        )
    )


async def may_see(uow: UnitOfWork, principal: Principal, nip: str) -> bool:
    if principal.nip == nip or principal.has(Role.HR):
        return True
    return principal.nip == await current_appraiser(uow.session, principal.agency, nip)


async def may_read(uow: UnitOfWork, principal: Principal, nip: str, missing: str = NO_RECORD) -> None:
    """Raise the ``missing`` 404 unless the caller may see the employee's development record."""
    if not await may_see(uow, principal, nip):
        raise NotFound(missing)
