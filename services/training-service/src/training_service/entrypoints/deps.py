"""What every route shares: the caller, the unit of work, strict bodies and the clock.

The clock is injectable (``create_app(clock=...)``) because overdue items and the year of
a report depend on today, and tests must not wait for a due date to pass.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from kinerja_contracts import NIP_PATTERN
from kinerja_contracts.limits import IDENTIFIER_MAX
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


# Path parameters go into SQL: PostgreSQL refuses a NUL character in text (a 500), so a NIP
# is 18 digits and an id has no control characters; either is a 422 naming the parameter.
EmployeeNip = Annotated[str, Path(pattern=NIP_PATTERN, description="the employee's 18-digit NIP")]
Id = Annotated[str, Path(min_length=1, max_length=IDENTIFIER_MAX, pattern=r"^[^\x00-\x1f\x7f]+$")]


def not_a_number(value: Any) -> Any:
    """A date must be written as a date: JSON's 0 would otherwise be read as 1970-01-01."""
    if isinstance(value, (int, float)):
        raise ValueError("must be a date written YYYY-MM-DD, not a number")
    return value
