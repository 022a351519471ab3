"""What every route of target-service shares: who calls, the unit of work, strict bodies."""

from typing import Annotated

from fastapi import Depends
from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.deps import unit_of_work
from kinerja_runtime.inputs import RequestBody
from kinerja_runtime.uow import UnitOfWork

Caller = Annotated[Principal, Depends(current_principal)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
HR = Annotated[Principal, Depends(require_roles(Role.HR))]
HrOrAppraiser = Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))]


# Request bodies: unknown fields and NUL characters refused (one rule for every service).
Strict = RequestBody
