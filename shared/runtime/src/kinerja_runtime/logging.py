"""structlog set-up: every line JSON with the same fields (timestamp, level, service, logger),
bound with event and correlation ids; exceptions are rendered without their messages
(kinerja_runtime.redaction).

Our own lines are rendered by structlog and written straight to the stream: going through the
standard library would cost each line two LogRecords and a stack walk (about four times the
time), which the access line of every request would pay. The standard library's lines (uvicorn,
alembic, aiokafka, asyncio) reach the same stream through one root handler whose formatter is
structlog's ProcessorFormatter with the same processors and renderer, so they carry the same
fields.
"""

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

import structlog

from kinerja_runtime.redaction import safe_exc_info

_service = "kinerja"
_threshold = logging.INFO
_output: TextIO | None = None  # None: sys.stdout
_renderer: Any = structlog.processors.JSONRenderer()
_lock = threading.Lock()  # alembic logs from a worker thread


def _add_service(_logger, _name, event_dict: dict) -> dict:
    # Not only a context variable: a library's line may come from a task whose context never
    # had it bound (aiokafka's fetcher, uvicorn's server loop).
    event_dict.setdefault("service", _service)
    return event_dict


def _add_logger_name(logger, _name, event_dict: dict) -> dict:
    record = event_dict.get("_record")
    if record is not None:
        event_dict["logger"] = record.name
    else:
        event_dict.setdefault("logger", getattr(logger, "name", None))
    return event_dict


def _render(logger, name, event_dict: dict) -> str:
    return _renderer(logger, name, event_dict)


def _write(line: str) -> None:
    output = _output or sys.stdout  # sys.stdout as it is now (a test may have swapped it)
    with _lock:
        output.write(line + "\n")
        output.flush()


class _Writer:
    """structlog's output for our loggers. It writes where logging is configured to go when the
    line is written, not when the logger was first used: loggers are cached on first use."""

    def __init__(self, name: str | None = None):
        self.name = name  # the ``logger`` field

    def msg(self, message: str) -> None:
        _write(message)

    debug = info = warning = error = critical = msg


class _BoundLogger(structlog.BoundLoggerBase):
    """Drops a line below the configured level before any processing, as cheaply as structlog's
    filtering loggers (the debug lines of the consumers' hot path), but reading the level when
    called: loggers are cached on first use and outlive a second configure_logging."""

    def _at(self, level: int, method: str, event: str | None, kw: dict) -> Any:
        if level < _threshold:
            return None
        return self._proxy_to_logger(method, event, **kw)

    def debug(self, event: str | None = None, **kw: Any) -> Any:
        return self._at(logging.DEBUG, "debug", event, kw)

    def info(self, event: str | None = None, **kw: Any) -> Any:
        return self._at(logging.INFO, "info", event, kw)

    def warning(self, event: str | None = None, **kw: Any) -> Any:
        return self._at(logging.WARNING, "warning", event, kw)

    def error(self, event: str | None = None, **kw: Any) -> Any:
        return self._at(logging.ERROR, "error", event, kw)

    def exception(self, event: str | None = None, **kw: Any) -> Any:
        kw.setdefault("exc_info", True)
        return self._at(logging.ERROR, "error", event, kw)

    def critical(self, event: str | None = None, **kw: Any) -> Any:
        return self._at(logging.CRITICAL, "critical", event, kw)


class _LibraryLines(logging.Handler):
    """The root handler for the standard library's lines (replaced when configure_logging is
    called again); it writes where our own lines go."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _write(self.format(record))
        except Exception:
            self.handleError(record)


LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic", "aiokafka", "faststream")
"""Libraries whose lines must reach the root logger's JSON handler."""


def configure_logging(service: str, level: str = "INFO", json: bool = True, stream: TextIO | None = None) -> None:
    """Every line of the process as JSON (or for a terminal) to ``stream`` (stdout by default).
    Loggers already used (and cached) follow: each setting is read when a line is written."""
    global _service, _threshold, _output, _renderer
    _service = service
    _threshold = logging.getLevelName(level.upper())
    _output = stream
    _renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        _add_logger_name,
        _add_service,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        structlog.processors.StackInfoRenderer(),
        safe_exc_info,  # never an exception's message: see kinerja_runtime.redaction
    ]
    structlog.configure(
        processors=[*shared, _render],
        logger_factory=_Writer,
        wrapper_class=_BoundLogger,
        cache_logger_on_first_use=True,
    )
    _route_standard_library(shared)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def _route_standard_library(shared: list) -> None:
    handler = _LibraryLines()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _render],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _LibraryLines)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(_threshold)
    # A library configured before us (uvicorn's own dictConfig, run by anything that started a
    # server with uvicorn's default log config) keeps handlers and a level of its own and stops
    # propagating: its lines would bypass the JSON handler. Hand them back to the root.
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        for own in list(library.handlers):
            library.removeHandler(own)
        library.propagate = True
        library.setLevel(logging.NOTSET)
    logging.captureWarnings(True)  # a library's warning is a line like any other, not stderr text
    # aiokafka is chatty about group rebalances at INFO; warnings still show.
    logging.getLogger("aiokafka").setLevel(max(_threshold, logging.WARNING))


@contextlib.contextmanager
def preserved() -> Iterator[None]:
    """Within the block logging may be configured again (a command-line tool building a service,
    which configures its own); afterwards it is set up as before: our settings, structlog's
    configuration and bound context, the root logger's level and handlers, aiokafka's level and
    whether warnings are captured."""
    global _service, _threshold, _output, _renderer
    root, aiokafka = logging.getLogger(), logging.getLogger("aiokafka")
    ours = (_service, _threshold, _output, _renderer)
    config, context = structlog.get_config(), structlog.contextvars.get_contextvars()
    level, handlers, aiokafka_level = root.level, list(root.handlers), aiokafka.level
    # The standard library keeps the replaced showwarning here while it captures warnings.
    capturing = getattr(logging, "_warnings_showwarning", None) is not None
    try:
        yield
    finally:
        _service, _threshold, _output, _renderer = ours
        structlog.configure(**config)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(**context)
        root.setLevel(level)
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        for handler in [h for h in handlers if h not in root.handlers]:
            root.addHandler(handler)
        aiokafka.setLevel(aiokafka_level)
        logging.captureWarnings(capturing)


def get_logger(name: str | None = None) -> _BoundLogger:
    return structlog.get_logger(name)
