"""What every route of training-service shares: who calls, the unit of work, the clock,
strict bodies and its parameter types.

The clock is the runtime's (``create_app(clock=...)`` in tests): overdue items and the year of
a report depend on today, and tests must not wait for a due date to pass.
"""

from typing import Annotated, Any

from fastapi import Depends, Path, Query
from kinerja_contracts import NIP_PATTERN
from kinerja_contracts.limits import IDENTIFIER_MAX
from kinerja_runtime.clock import Today
from kinerja_runtime.deps import HR, Caller, ProvinceAdmin, unit_of_work
from kinerja_runtime.inputs import RequestBody

from training_service.service_layer.unit_of_work import TrainingUnitOfWork

__all__ = ["HR", "Caller", "EmployeeNip", "Id", "ProvinceAdmin", "Strict", "Today", "Uow", "Year", "not_a_number"]

Uow = Annotated[TrainingUnitOfWork, Depends(unit_of_work)]


# Request bodies: unknown fields and NUL characters refused (one rule for every service).
Strict = RequestBody


# Path parameters go into SQL: PostgreSQL refuses a NUL character in text (a 500), so a NIP
# is 18 digits and an id has no control characters; either is a 422 naming the parameter.
EmployeeNip = Annotated[str, Path(pattern=NIP_PATTERN, description="the employee's 18-digit NIP")]
Id = Annotated[str, Path(min_length=1, max_length=IDENTIFIER_MAX, pattern=r"^[^\x00-\x1f\x7f]+$")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="default: this year")]


def not_a_number(value: Any) -> Any:
    """A date must be written as a date: JSON's 0 would otherwise be read as 1970-01-01."""
    if isinstance(value, (int, float)):
        raise ValueError("must be a date written YYYY-MM-DD, not a number")
    return value
