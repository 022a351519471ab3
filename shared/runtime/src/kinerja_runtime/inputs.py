"""What every route accepts: request bodies and path and query parameters that refuse what the
database cannot store, and paging parameters with bounds (one place for each rule, every service
uses it)."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, field_validator

NUL_REFUSED = "must not contain the NUL character (U+0000)"

# PostgreSQL's integers are 64-bit; an offset past any real table answers an empty page, one
# past 2**63 would overflow the driver. A bounded offset keeps the answer a 422 naming it.
MAX_OFFSET = 10_000_000


def reject_nul(value: Any) -> Any:
    """PostgreSQL refuses the NUL character in text; refused here it is a 422 naming the field
    instead of a 500 at commit time."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(NUL_REFUSED)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            reject_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key)
            reject_nul(item)
    return value


class RequestBody(BaseModel):
    """Base of every JSON request body: unknown fields refused, no NUL in any string."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)


async def refuse_nul_parameters(request: Request) -> None:
    """A dependency of every route (``create_service_app`` installs it): a NUL in a path or query
    parameter is a 422 naming the parameter, before any handler compares it with a column
    (PostgreSQL refuses 0x00 in text, which would be a 500)."""
    found = [("path", name, value) for name, value in request.path_params.items()]
    found += [("query", name, value) for name, value in request.query_params.multi_items()]
    errors = [
        {"type": "value_error", "loc": (where, name.replace("\x00", "\\0")), "msg": NUL_REFUSED, "input": None}
        for where, name, value in found
        if "\x00" in name or "\x00" in str(value)
    ]
    if errors:
        raise RequestValidationError(errors)


PeriodYear = Annotated[int, Query(ge=2000, le=2100, description="the performance period's year")]
"""A required ``year=`` (the province view's reports are of one year)."""

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip (at most 10,000,000)")]


def page_limit(maximum: int = 500):
    """``limit: page_limit(500) = 100`` -> a page size between 1 and ``maximum``."""
    return Annotated[int, Query(ge=1, le=maximum, description=f"rows per page (1-{maximum})")]
