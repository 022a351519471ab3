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
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import MetaData, Table

from kinerja_runtime.admin.guard import Refused, check_database
from kinerja_runtime.app import ServiceRuntime
from kinerja_runtime.logging import configure_logging, preserved

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
    with preserved():  # the caller may be a test
        try:
            app = service.create_app()
        except ValidationError as exc:
            problem = exc.errors(include_url=False)[0]
            raise Refused(f"{name}'s settings are invalid: {problem['msg']}; check its environment") from None
        # The service's lines would mix with the command's output: only its warnings and
        # errors show, on stderr (building the service configured its logging).
        configure_logging(name, "WARNING", stream=sys.stderr)
        runtime: ServiceRuntime = app.state.runtime
        try:
            await check_database(name, runtime, service.tables)
            yield Service(name, service, runtime)
        finally:
            await runtime.engine.dispose()
