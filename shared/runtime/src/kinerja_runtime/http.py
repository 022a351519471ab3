"""Middleware and endpoints every service exposes: correlation ids, metrics, an access line per
request, health."""

import hmac
import time
import uuid

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.datastructures import Headers, MutableHeaders

from kinerja_runtime import context, scrape
from kinerja_runtime.logging import get_logger
from kinerja_runtime.metrics import HTTP_LATENCY, HTTP_REQUESTS, render
from kinerja_runtime.refusals import Unauthenticated

CORRELATION_HEADER = "X-Correlation-ID"

access_log = get_logger("kinerja_runtime.http.access")


def is_operations_traffic(route: str) -> bool:
    """Probes and scrapes: every few seconds from the cluster, not the service's traffic; they
    are neither counted in the HTTP metrics nor given an access line."""
    return route == "/metrics" or route.startswith("/health/")


def install_request_context(app: FastAPI) -> None:
    """Correlation id, log context and metrics per request, as plain ASGI middleware: Starlette's
    ``@app.middleware("http")`` runs each request through an extra task and stream, a cost
    every write pays."""
    app.add_middleware(_RequestContext, service=lambda: app.state.runtime.settings.service_name)


class _RequestContext:
    def __init__(self, app, service):
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(service=self.service())
        incoming = Headers(scope=scope).get(CORRELATION_HEADER, "")
        cid = context.begin(incoming if _is_uuid(incoming) else None)
        started = time.perf_counter()
        status = 500

        async def send_with_correlation(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        try:
            await self.app(scope, receive, send_with_correlation)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            if not is_operations_traffic(route):
                _account(scope, route, status, time.perf_counter() - started)


def _account(scope, route: str, status: int, seconds: float) -> None:
    """The request's metrics and its access line: the route's template (never the path or the
    query, which may carry a NIP), and the caller's agency once the token was verified (never
    the body)."""
    method = scope["method"]
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)
    principal = scope.get("state", {}).get("principal")
    access_log.info(
        "request",
        method=method,
        route=route,
        status=status,
        duration_ms=round(seconds * 1000, 1),
        agency=principal.agency if principal is not None else None,
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False


health_router = APIRouter(tags=["operations"])


@health_router.get("/health/live", summary="The process is up")
async def live() -> dict:
    return {"status": "ok"}


BROKER_CHECK_SECONDS = 1.0
"""How long readiness waits for the broker: well inside the probes' timeout (deploy manifests: 3 s),
so a broker that does not answer is reported, not turned into a probe timeout."""


@health_router.get("/health/ready", summary="Ready for traffic: the database answers (the broker's state is reported)")
async def ready(request: Request):
    """503 only when the database does not answer. The broker is checked and reported
    (``"status": "degraded"``) but never fails readiness, however long it is away: a write stores
    its event in the outbox in the same transaction as the change, so the service takes every write
    while the broker is down and the relay sends them when it is back. Every replica sees the same
    broker, so failing readiness on it would empty the Service of all replicas at once, turning a
    broker outage the service rides out into an HTTP outage. The outage is for the alerts (outbox
    age, consumer lag: deploy/observability), not for the load balancer."""
    runtime = request.app.state.runtime
    checks = {"database": "ok", "broker": "ok"}
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"down: {exc.__class__.__name__}"
    try:
        if not await runtime.broker.ping(timeout=BROKER_CHECK_SECONDS):
            checks["broker"] = "down"
    except Exception as exc:
        checks["broker"] = f"down: {exc.__class__.__name__}"
    if checks["database"] != "ok":
        return JSONResponse({"status": "unavailable", "checks": checks}, status_code=503)
    return JSONResponse({"status": "ok" if checks["broker"] == "ok" else "degraded", "checks": checks})


metrics_router = APIRouter(tags=["operations"])


@metrics_router.get("/metrics", summary="Prometheus metrics (with METRICS_TOKEN set: only with that bearer token)")
async def metrics(request: Request) -> Response:
    wanted = request.app.state.runtime.settings.metrics_token
    if wanted:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), wanted.encode()):
            raise Unauthenticated("the metrics token is required")
    runtime = request.app.state.runtime
    reading = await scrape.read(runtime.scrape_sessions, runtime.engine, runtime.relay.owner, runtime.consumer)
    return Response(render(reading), media_type=CONTENT_TYPE_LATEST)
