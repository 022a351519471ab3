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


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    freeze_startup_heap()
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


def freeze_startup_heap() -> None:
    """Collect once, then set everything alive out of the cyclic collector's reach.

    What exists once the app is built (modules, tables, models, routes: ~150,000 objects) lives
    as long as the process, yet every full collection walked it: ~100 ms of CPU each, and a
    consumer applying batches of hundreds of events triggers several a second (a batch's events
    live long enough to reach the oldest generation). It was a third of training-service's CPU
    in a replay. Reference counting still frees these objects; only cycles among them would be
    kept, and the collection before the freeze has already taken those. Not done for apps that
    tests build in one process: a process that builds many would keep each one's cycles."""
    gc.collect()
    gc.freeze()
