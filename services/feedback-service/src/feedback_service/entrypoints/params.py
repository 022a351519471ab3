"""Path and query parameters of feedback-service's routes: bounded like the columns they are
compared with, and refusing the NUL character, which PostgreSQL cannot take in text (a 422
naming the parameter instead of a 500)."""

from typing import Annotated

from fastapi import Path, Query
from kinerja_runtime.inputs import reject_nul
from pydantic import AfterValidator

NoNul = AfterValidator(reject_nul)

AgencyPath = Annotated[str, NoNul, Path(min_length=1, max_length=64, description="the agency's id")]
UnitPath = Annotated[str, NoNul, Path(min_length=1, max_length=128, description="the work unit's id")]
PeriodPath = Annotated[str, NoNul, Path(min_length=1, max_length=64, description="the performance period's id")]
RoundPath = Annotated[str, NoNul, Path(min_length=1, max_length=36, description="the feedback round's id")]
NipPath = Annotated[str, Path(pattern=r"^\d{18}$", description="18-digit NIP")]
PeriodQuery = Annotated[str, NoNul, Query(min_length=1, max_length=64, description="the performance period's id")]
OptionalPeriodQuery = Annotated[
    str | None, NoNul, Query(min_length=1, max_length=64, description="a performance period's id; default the open one"),
]
