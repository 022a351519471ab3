"""The connector's small HTTP API: health probes and the reconciliation report."""

from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
from typing import Annotated, Literal

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse

from .connector import Connector
from .settings import ConnectorSettings


def create_app(
    settings: ConnectorSettings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    settings = settings or ConnectorSettings()
    connector = Connector(settings, transport=transport)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        await connector.start()
        try:
            yield
        finally:
            await connector.stop()

    app = FastAPI(
        title="Kinerja SIASN connector",
        version="0.1.0",
        description="Sends Kinerja's appraisals and trainings to SIASN; reports what was sent.",
        lifespan=lifespan,
    )
    app.state.connector = connector

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = settings.api_token.get_secret_value()
        if not expected:
            return
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    @app.get("/health/live")
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready")
    async def ready():
        try:
            await connector.store.ping()
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "reason": f"state: {type(exc).__name__}"}, status_code=503)
        if not connector.ready:
            return JSONResponse({"status": "starting", "reason": "the consumer is not started"}, status_code=503)
        return {"status": "ok"}

    @app.get("/reconciliation", dependencies=[Depends(authorised)])
    async def reconciliation(
        agency: Annotated[str | None, Query(max_length=128, description="one agency's records")] = None,
        records: Annotated[bool, Query(description="list every record (NIP, status, SIASN id, reason)")] = False,
        status: Annotated[Literal["sent", "failed", "pending"] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict:
        """Counts sent, failed (with SIASN's reasons) and pending; with ``records=true``, per record."""
        return await connector.reconciliation(
            agency_id=agency, with_records=records or status is not None, status=status, limit=limit, offset=offset
        )

    @app.post("/reconciliation/retry", dependencies=[Depends(authorised)])
    async def retry(
        agency: Annotated[str | None, Query(max_length=128)] = None,
        record: Annotated[list[int] | None, Query(description="record ids; none: every failed record")] = None,
    ) -> dict:
        """Failed records back to pending, after what SIASN refused was fixed."""
        count = await connector.store.retry(record, agency)
        connector.sender.wake()
        return {"retried": count}

    return app
