"""Path and query parameters of feedback-service's routes: bounded like the columns they are
compared with (a NUL character in any parameter is refused for every route by the runtime:
kinerja_runtime.inputs.refuse_nul_parameters)."""

from typing import Annotated

from fastapi import Path, Query

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
