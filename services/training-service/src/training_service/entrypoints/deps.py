"""What every route shares: the caller, the unit of work, strict bodies and the clock.

The clock is injectable (``create_app(clock=...)``) because overdue items and the year of
a report depend on today, and tests must not wait for a due date to pass.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Request
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.inputs import RequestBody
from kinerja_runtime.uow import UnitOfWork

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


async def now(request: Request) -> datetime:
    return request.app.state.runtime.extras.get("clock", system_clock)()


async def today(moment: Annotated[datetime, Depends(now)]) -> date:
    return moment.date()


Caller = Annotated[Principal, Depends(current_principal)]
HR = Annotated[Principal, Depends(require_roles(Role.HR))]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
Now = Annotated[datetime, Depends(now)]
Today = Annotated[date, Depends(today)]


# Request bodies: unknown fields and NUL characters refused (one rule for every service).
Strict = RequestBody
