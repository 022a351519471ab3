"""What feedback-service's routes share: who calls, the unit of work, and the path and query
parameters, bounded like the columns they are compared with (a NUL character in any parameter
is refused for every route by the runtime: kinerja_runtime.inputs.refuse_nul_parameters)."""

from typing import Annotated

from fastapi import Depends, Path, Query
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.deps import HR, Caller, HrOrAppraiser, ProvinceAdmin, unit_of_work
from pydantic import Field

from feedback_service.domain.model import Giver
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork

__all__ = [
    "HR",
    "AgencyPath",
    "Caller",
    "HrOrAppraiser",
    "NipField",
    "NipPath",
    "OptionalPeriodQuery",
    "PeriodPath",
    "PeriodQuery",
    "ProvinceAdmin",
    "RoundPath",
    "UnitPath",
    "Uow",
    "as_giver",
]

Uow = Annotated[FeedbackUnitOfWork, Depends(unit_of_work)]

AgencyPath = Annotated[str, Path(min_length=1, max_length=64, description="the agency's id")]
UnitPath = Annotated[str, Path(min_length=1, max_length=128, description="the work unit's id")]
PeriodPath = Annotated[str, Path(min_length=1, max_length=64, description="the performance period's id")]
RoundPath = Annotated[str, Path(min_length=1, max_length=36, description="the feedback round's id")]
NipPath = Annotated[str, Path(pattern=r"^\d{18}$", description="18-digit NIP")]
PeriodQuery = Annotated[str, Query(min_length=1, max_length=64, description="the performance period's id")]
OptionalPeriodQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=64, description="a performance period's id; default the open one"),
]
NipField = Field(pattern=r"^\d{18}$", description="18-digit NIP")


def as_giver(principal: Principal) -> Giver:
    """The caller as the feedback rules see them."""
    return Giver(nip=principal.nip, is_hr=principal.has(Role.HR))
