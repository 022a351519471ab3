"""What appraisal-service's routes share: the callers (the runtime's role aliases), the
unit of work, typed as appraisal-service's, and the day a result is dated by."""

from datetime import date
from typing import Annotated

from fastapi import Depends
from kinerja_runtime.deps import HR, Caller, HrOrAppraiser, ProvinceAdmin, unit_of_work

from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

__all__ = ["HR", "Caller", "FixedDay", "HrOrAppraiser", "ProvinceAdmin", "Uow", "fixed_day"]

Uow = Annotated[AppraisalUnitOfWork, Depends(unit_of_work)]


async def fixed_day() -> date | None:
    """The day confirmations and objections count as the agency's today when one is fixed
    (tests override this dependency). None in service: the use case reads the caller's
    agency's date in its own unit of work, one statement in the transaction it opens anyway,
    where kinerja_runtime.clock.Today would open a transaction of its own on every request."""
    return None


FixedDay = Annotated[date | None, Depends(fixed_day)]
