"""structlog set-up: JSON lines bound with service, event and correlation ids; exceptions are
rendered without their messages (kinerja_runtime.redaction)."""

import logging
import sys

import structlog

from kinerja_runtime.redaction import SafeTracebacks, safe_exc_info


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    logging.basicConfig(stream=sys.stdout, format="%(message)s", level=level.upper())
    # Tracebacks logged through the standard library (uvicorn's "Exception in ASGI application")
    # keep their frames but not the messages, which may quote personal data.
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SafeTracebacks) for f in handler.filters):
            handler.addFilter(SafeTracebacks())
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            safe_exc_info,  # never an exception's message: see kinerja_runtime.redaction
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    # aiokafka is chatty about group rebalances at INFO; warnings still show.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
