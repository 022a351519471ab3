"""What appraisal-service's routes share: the callers (the runtime's role aliases) and the
unit of work, typed as appraisal-service's."""

from typing import Annotated

from fastapi import Depends
from kinerja_runtime.deps import HR, Caller, HrOrAppraiser, ProvinceAdmin, unit_of_work

from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

__all__ = ["HR", "Caller", "HrOrAppraiser", "ProvinceAdmin", "Uow"]

Uow = Annotated[AppraisalUnitOfWork, Depends(unit_of_work)]
