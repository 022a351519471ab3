"""A service's command line, ``python -m <package> [serve | migrate]``: serve with uvicorn on the
configured host and port (the default), or bring the database to this code's revisions and exit
(the deploy manifests' migrations Job, before the Deployment starts with ``MIGRATE_ON_START=false``)."""

import argparse
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from kinerja_runtime.logging import configure_logging, get_logger
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.settings import ServiceSettings

log = get_logger(__name__)

S = TypeVar("S", bound=ServiceSettings)


def run_service(
    create_app: Callable[[S], FastAPI], settings: S, migrations: Path, argv: list[str] | None = None
) -> None:
    """The body of every service's ``__main__``; ``migrations`` is the folder its app migrates."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {Path(migrations).resolve().parent.name}",
        description=f"Kinerja {settings.service_name}; settings from the environment (DATABASE_URL, ...).",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=("serve", "migrate"),
        help="serve: run the service (default); migrate: apply its database migrations and exit",
    )
    args = parser.parse_args(argv)
    if args.command == "migrate":
        sys.exit(migrate(settings, migrations))
    serve(create_app(settings), settings)


def migrate(settings: ServiceSettings, migrations: Path) -> int:
    """Apply the migrations; 0 when the database is at this code's revisions, 1 when it could not be
    migrated (the reason on one line). Replicas and Jobs migrating at once take turns (an advisory
    lock), so a second run only finds nothing to do."""
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    url = settings.resolved_database_url()
    where = url.split("@")[-1]  # never the password
    try:
        upgrade_to_head(migrations, url)
    except Exception as exc:
        log.error("migrations failed", database=where, error=exc.__class__.__name__)
        print(f"{settings.service_name}: could not migrate {where}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    log.info("migrations applied", database=where)
    return 0


# New container objects between two collections of the collector's youngest generation (CPython's
# default: 700). A batch (due proposals, a consumer's events) keeps tens of thousands of objects
# alive until it commits; at 700 they are traversed again at every collection of the older
# generations they are promoted into: a third of the due processor's CPU per proposal.
GC_YOUNGEST_THRESHOLD = 10_000


def collect_less() -> None:
    """The youngest generation collected after :data:`GC_YOUNGEST_THRESHOLD` new objects, in the
    process that serves (tests keep CPython's defaults). What start-up made is frozen by the app's
    lifespan once it has started (kinerja_runtime.app). Memory freed by reference counting, nearly
    all of it, is unaffected."""
    gc.set_threshold(GC_YOUNGEST_THRESHOLD, *gc.get_threshold()[1:])


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    collect_less()
    # uvloop and httptools: the event loop and HTTP parser in C, a large share of a small request's cost.
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
        # Longer than clients' and load balancers' idle timeouts, so the server never closes
        # a kept-alive connection just as a client sends its next request on it.
        timeout_keep_alive=75,
    )
