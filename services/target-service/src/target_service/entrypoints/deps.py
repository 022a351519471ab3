"""What every route of target-service shares: who calls (the runtime's role aliases), its unit
of work, strict bodies."""

from typing import Annotated

from fastapi import Depends
from kinerja_runtime.deps import HR, Caller, HrOrAppraiser, ProvinceAdmin, unit_of_work
from kinerja_runtime.inputs import RequestBody

from target_service.service_layer.unit_of_work import TargetUnitOfWork

__all__ = ["HR", "Caller", "HrOrAppraiser", "ProvinceAdmin", "Strict", "Uow"]

Uow = Annotated[TargetUnitOfWork, Depends(unit_of_work)]

# Request bodies: unknown fields and NUL characters refused (one rule for every service).
Strict = RequestBody
