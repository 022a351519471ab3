"""Correlation and causation ids carried from a request or an event to the events it causes."""

import uuid
from contextvars import ContextVar

import structlog

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
_causation_id: ContextVar[str | None] = ContextVar("causation_id", default=None)


def begin(correlation_id: str | None = None, causation_id: str | None = None) -> str:
    """Start a unit of traceable work; returns the correlation id in force."""
    cid = correlation_id or str(uuid.uuid4())
    _correlation_id.set(cid)
    _causation_id.set(causation_id)
    structlog.contextvars.bind_contextvars(correlation_id=cid)
    return cid


def correlation_id() -> str | None:
    return _correlation_id.get()


def causation_id() -> str | None:
    return _causation_id.get()
