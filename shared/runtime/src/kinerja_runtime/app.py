"""Builds a service: FastAPI app whose lifespan migrates the database (or, with
``MIGRATE_ON_START=false``, checks that a migrations Job did), starts the FastStream broker with the
service's subscribers, and runs the outbox relay. A broker that does not answer at start does not
stop the service: it serves HTTP and tries the broker again in the background (ADR 0015)."""

import asyncio
import contextlib
import gc
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, FastAPI
from faststream.kafka import KafkaBroker
from kinerja_contracts import Event
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from kinerja_runtime import access_log, telemetry
from kinerja_runtime.asyncapi import asyncapi_document
from kinerja_runtime.auth.tokens import TokenVerifier
from kinerja_runtime.body_limit import install_body_limit
from kinerja_runtime.clock import Clock
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.http import health_router, install_request_context, metrics_router
from kinerja_runtime.inputs import refuse_nul_parameters
from kinerja_runtime.logging import configure_logging, get_logger
from kinerja_runtime.messaging import EventConsumer, broker_publisher, broker_security, create_broker
from kinerja_runtime.migrations import ensure_migrated, upgrade_to_head
from kinerja_runtime.operations import operations_router
from kinerja_runtime.outbox import OutboxRelay
from kinerja_runtime.problems import install_problem_handlers
from kinerja_runtime.redaction import describe
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)


@dataclass
class ServiceRuntime:
    """Everything a route or subscriber may need, kept on ``app.state.runtime``."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker
    uows: UnitOfWorkFactory
    broker: KafkaBroker
    consumer: EventConsumer
    relay: OutboxRelay
    verifier: TokenVerifier
    extras: dict = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    produces: tuple[type[Event], ...] = ()
    """The events the service publishes (the consumer's ``topics`` are what it reads): the deploy
    manifests' broker ACLs are checked against both."""
    migrations: Path | None = None
    """The service's Alembic folder (kinerja-admin checks a database against it)."""
    tracing: telemetry.Off = telemetry.OFF
    """Traces, when the OTEL_* variables ask for them (kinerja_runtime.telemetry)."""
    scrape_sessions: async_sessionmaker | None = None
    """Sessions on the metrics scrape's own one-connection engine (kinerja_runtime.scrape)."""


Subscribe = Callable[[EventConsumer], None]
Hook = Callable[[ServiceRuntime], Awaitable[None]]


def create_service_app(
    *,
    title: str,
    description: str,
    settings: ServiceSettings,
    migrations: Path,
    routers: Sequence[APIRouter],
    subscribe: Subscribe | None = None,
    on_migrated: Hook | None = None,
    background: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = (),
    produces: Sequence[type[Event]] = (),
    unit_of_work: type[UnitOfWork] = UnitOfWork,
    clock: Clock | None = None,
    tables: MetaData | None = None,
) -> FastAPI:
    """``tables``: the service's own tables; started with ``MIGRATE_ON_START=false``, it refuses a
    database without them (another service's). ``unit_of_work``: the service's unit of work (carrying its repositories), used by routes,
    subscribers and background jobs alike. ``clock``: tests pass one they move by hand.
    ``on_migrated``: runs at start once the database is migrated, before any event is consumed
    (e.g. seeding rows the handlers read)."""
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    tracing = telemetry.from_environment(settings.service_name)
    url = settings.resolved_database_url()
    engine = create_engine(url, settings.database_pool_size)
    sessions = session_factory(engine)
    # The scrape's own connection: under load the service's pool is busy, and a scrape waiting
    # for it would drop the outbox gauges exactly when they matter.
    scrape_engine = create_engine(url, pool_size=1)
    broker = create_broker(
        settings.kafka_bootstrap_servers,
        settings.service_name,
        security=broker_security(settings),
        acks=settings.kafka_acks,
        idempotent=settings.kafka_idempotent_producer,
        linger_ms=settings.kafka_linger_ms,
        max_batch_bytes=settings.kafka_max_batch_bytes,
        max_request_bytes=settings.kafka_max_request_bytes,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        middlewares=tracing.broker_middlewares(),
    )
    relay = OutboxRelay(
        sessions,
        tracing.relaying(broker_publisher(broker)),
        poll_seconds=settings.outbox_poll_seconds,
        batch_size=settings.outbox_batch_size,
        lease_seconds=settings.outbox_lease_seconds,
        retention=timedelta(hours=settings.outbox_retention_hours),
        linger_seconds=settings.outbox_linger_ms / 1000,
        purges=[access_log.purge_older_than(timedelta(days=settings.access_log_retention_days))],
    )
    clock = clock or Clock(zone=settings.default_zone())
    uows = UnitOfWorkFactory(
        sessions,
        source=f"/kinerja/{settings.service_name}",
        on_commit=relay.wake,
        kind=unit_of_work,
        clock=clock,
        tracing=tracing,
    )
    consumer = EventConsumer(
        broker,
        uows,
        settings.service_name,
        group_id=settings.consumer_group or None,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
        batch_size=settings.consumer_batch_size,
        tracing=tracing,
    )
    if subscribe:
        subscribe(consumer)
    consumer.bind()
    runtime = ServiceRuntime(
        settings,
        engine,
        sessions,
        uows,
        broker,
        consumer,
        relay,
        TokenVerifier(settings),
        produces=tuple(produces),
        clock=clock,
        migrations=migrations,
        tracing=tracing,
        scrape_sessions=session_factory(scrape_engine),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.migrate_on_start:
            await asyncio.to_thread(upgrade_to_head, migrations, url)
        else:
            await asyncio.to_thread(ensure_migrated, migrations, url, list(tables.tables) if tables else ())
        if on_migrated:
            # Before the consumers start: a fresh replica replaying the topics must not apply
            # events against state the hook has yet to make (training-service's catalogue seed).
            await on_migrated(runtime)
        broker_up = asyncio.Event()
        if await _started(broker, settings.kafka_bootstrap_servers):
            broker_up.set()
            tasks = [asyncio.create_task(relay.run(), name="outbox-relay")]
        else:
            tasks = [asyncio.create_task(_start_later(broker, relay, broker_up, settings), name="broker-start")]
        tasks += [asyncio.create_task(job(runtime)) for job in background]
        log.info("service started", database=url.split("@")[-1], broker=settings.kafka_bootstrap_servers)
        # What starting made (modules, tables, routes, compiled statements) lives as long as the
        # process: frozen, the collector's full passes no longer walk it all again under load
        # (each cost ~0.1 s of CPU on a service's ~200,000 objects).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()  # an app stopped in a longer-lived process (tests) can be collected
            relay.stop()
            for task in tasks if not broker_up.is_set() else tasks[1:]:
                task.cancel()
            if not await _within("the relay and background jobs", asyncio.gather(*tasks, return_exceptions=True)):
                for task in tasks:
                    task.cancel()
            try:
                await _within("releasing the relay lease", relay.release())
            except Exception:
                log.warning("could not release the relay lease")
            await _within("stopping the broker clients", broker.stop())
            await engine.dispose()
            await scrape_engine.dispose()
            await _within("exporting the last spans", asyncio.to_thread(tracing.shutdown))
            log.info("service stopped")

    docs = settings.docs_enabled
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        dependencies=[Depends(refuse_nul_parameters)],
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    install_body_limit(app, settings.http_max_body_bytes)
    install_request_context(app)
    # FastAPI tries routes in the order included (a few microseconds for each one passed over), so
    # the service's own come first, in the order it gives them; probes, scrapes and operators'
    # routes after. No path of one router matches another's (tests/unit/test_runtime_route_order.py),
    # so the order changes no answer.
    for router in routers:
        app.include_router(router)
    app.include_router(health_router)
    if settings.metrics_enabled:
        app.include_router(metrics_router)
    app.include_router(operations_router)
    tracing.instrument(app, engine)

    if docs:

        @app.get("/asyncapi.json", tags=["operations"], summary="AsyncAPI document of this service's events")
        async def asyncapi() -> dict:
            return asyncapi_document(settings, description, produces, consumer)

    return app


SHUTDOWN_STEP_SECONDS = 10.0
"""The longest one step of a shutdown may take: a pod has a grace period (30 s by default) and a
step that never ends (a broker that stops answering mid-rebalance) must not hold the process."""


async def _within(step: str, work: Awaitable) -> bool:
    """Await ``work`` for at most SHUTDOWN_STEP_SECONDS; False (logged, the work cancelled) when it
    took longer."""
    try:
        await asyncio.wait_for(work, SHUTDOWN_STEP_SECONDS)
    except TimeoutError:
        log.warning("a shutdown step did not finish in time; going on", step=step, seconds=SHUTDOWN_STEP_SECONDS)
        return False
    return True


BROKER_RETRY_SECONDS = (1.0, 30.0)  # the first wait, and the longest, between tries to start the broker


async def _started(broker: KafkaBroker, bootstrap: str) -> bool:
    """Whether the broker started (publisher and consumers); a broker that does not answer is
    logged and left stopped. Anything else (a programming error) stops the service's start."""
    try:
        await broker.start()
        return True
    except (KafkaError, OSError, TimeoutError) as exc:
        log.warning("the broker does not answer; serving HTTP and trying again", broker=bootstrap, error=describe(exc))
        with contextlib.suppress(Exception):  # what the failed start left half-made
            await broker.stop()
        return False


async def _start_later(broker: KafkaBroker, relay: OutboxRelay, up: asyncio.Event, settings: ServiceSettings) -> None:
    """A broker away when the service started (ADR 0015): HTTP is served meanwhile (writes wait in
    the outbox, /health/ready says "degraded"), and the broker is tried again with backoff; once it
    answers, the consumers start and the relay runs."""
    wait, longest = BROKER_RETRY_SECONDS
    while True:
        await asyncio.sleep(wait)
        if await _started(broker, settings.kafka_bootstrap_servers):
            break
        wait = min(wait * 2, longest)
    up.set()
    log.info("broker started", broker=settings.kafka_bootstrap_servers)
    await relay.run()


def runtime_of(app: FastAPI) -> ServiceRuntime:
    return app.state.runtime
