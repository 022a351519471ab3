"""How kinerja-admin finds a service: each service declares an :class:`AdminService` under the
``kinerja.services`` entry-point group of its pyproject, named by the service's name::

    [project.entry-points."kinerja.services"]
    appraisal-service = "appraisal_service.admin:SERVICE"

so the runtime reaches a service's pieces without importing it. :func:`opened` builds the
service from its environment (the variables it runs with: database URL, broker and its
security), checks that the database is that service's (:mod:`.guard`) and hands back the
service's runtime, not started: no consumer joins its group, no relay runs.
"""

import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

import structlog
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import MetaData, Table

from kinerja_runtime.admin.guard import Refused, check_database
from kinerja_runtime.app import ServiceRuntime

ENTRY_POINTS = "kinerja.services"


@dataclass(frozen=True)
class AdminService:
    """What a service tells kinerja-admin about itself."""

    create_app: Callable[[], FastAPI]
    """Builds the service from its environment, as its process does (not started)."""
    tables: MetaData
    """The service's own tables: a database without them is not the service's."""
    projections: tuple[Table, ...] = ()
    """The tables its projection handlers (``consumer.project``) write, and nothing else does:
    a rebuild empties them and applies the topics again."""


@dataclass(frozen=True)
class Service:
    name: str
    declared: AdminService
    runtime: ServiceRuntime


def service_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINTS))


def declared(name: str) -> AdminService:
    found = [ep for ep in entry_points(group=ENTRY_POINTS) if ep.name == name]
    if not found:
        known = ", ".join(service_names()) or "none installed"
        raise Refused(f"no service named {name!r} is installed here (known: {known})")
    service = found[0].load()
    if not isinstance(service, AdminService):
        raise Refused(f"the {ENTRY_POINTS} entry point {name!r} is not an AdminService")
    return service


@contextlib.asynccontextmanager
async def opened(name: str) -> AsyncIterator[Service]:
    """The named service built from the environment, its database checked; disposed after."""
    service = declared(name)
    with _logging_restored():
        try:
            app = service.create_app()
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            raise Refused(f"{name}'s settings are invalid: {problem['msg']}; check its environment") from None
        _quiet_service_logs()
        runtime: ServiceRuntime = app.state.runtime
        try:
            await check_database(name, runtime, service.tables)
            yield Service(name, service, runtime)
        finally:
            await runtime.engine.dispose()


@contextlib.contextmanager
def _logging_restored():
    """The logging set-up as it was before the service was built (the caller may be a test)."""
    root = logging.getLogger()
    saved_level, saved_config = root.level, structlog.get_config()
    saved_streams = {h: h.stream for h in root.handlers if isinstance(h, logging.StreamHandler)}
    try:
        yield
    finally:
        root.setLevel(saved_level)
        structlog.configure(**saved_config)
        for handler in root.handlers:
            if handler in saved_streams:
                handler.setStream(saved_streams[handler])


def _quiet_service_logs() -> None:
    """The service's log lines (JSON on stdout) would mix with the command's output: only its
    warnings and errors show, on stderr. Called once the service is built, which configures
    its logging."""
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            handler.setStream(sys.stderr)
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
    )
