"""Turning domain refusals into problems, shared by every use case."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable

from target_service.domain.errors import InvalidInput, NotPermitted, UnknownIndicator, WrongState

PROBLEM_OF = {InvalidInput: Unprocessable, NotPermitted: Forbidden, WrongState: Conflict, UnknownIndicator: NotFound}


@contextmanager
def domain_refusals() -> Iterator[None]:
    """Turn a domain refusal into the matching problem (422, 403, 409, 404); its details become extensions."""
    try:
        yield
    except tuple(PROBLEM_OF) as exc:
        problem = next(p for kind, p in PROBLEM_OF.items() if isinstance(exc, kind))
        raise problem(str(exc), **exc.details) from exc


def now() -> datetime:
    return datetime.now(UTC)
