"""Middleware and endpoints every service exposes: correlation ids, metrics, health."""

import time
import uuid

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from kinerja_runtime import context
from kinerja_runtime.metrics import HTTP_LATENCY, HTTP_REQUESTS

CORRELATION_HEADER = "X-Correlation-ID"


def install_request_context(app: FastAPI) -> None:
    @app.middleware("http")
    async def bind_request(request: Request, call_next):
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(service=app.state.runtime.settings.service_name)
        incoming = request.headers.get(CORRELATION_HEADER, "")
        cid = context.begin(incoming if _is_uuid(incoming) else None)
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        response.headers[CORRELATION_HEADER] = cid
        return response


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


@health_router.get("/health/ready", summary="Database and broker are reachable")
async def ready(request: Request):
    runtime = request.app.state.runtime
    checks = {"database": "ok", "broker": "ok"}
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # readiness reports, it does not raise
        checks["database"] = f"down: {exc.__class__.__name__}"
    try:
        if not await runtime.broker.ping(timeout=2.0):
            checks["broker"] = "down"
    except Exception as exc:
        checks["broker"] = f"down: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if healthy else "unavailable", "checks": checks}, status_code=200 if healthy else 503)


@health_router.get("/metrics", summary="Prometheus metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
