"""The portal app: pages, sign-in, sessions, error pages and the service clients."""

import asyncio
import time
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from web_portal import pages
from web_portal.clients import ServicePool
from web_portal.errors import install_error_pages
from web_portal.session import check_csrf
from web_portal.settings import PortalSettings
from web_portal.sign_in import make_oauth

SESSION_COOKIE = "kinerja_sesi"


def create_app(
    settings: PortalSettings | None = None, transports: dict[str, httpx.AsyncBaseTransport] | None = None
) -> FastAPI:
    """``transports`` (tests): per service name, an httpx transport to use instead of the network."""
    settings = settings or PortalSettings()
    settings.require_safe()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.services = ServicePool(settings, transports)
        try:
            yield
        finally:
            await app.state.services.aclose()

    app = FastAPI(title="Kinerja portal", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.oauth = make_oauth(settings)
    app.state.nav = [item for module in pages.MODULES for item in getattr(module, "NAV", ())]
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.mount("/static", StaticFiles(directory=str(pages.STATIC)), name="static")
    for module in pages.MODULES:
        # Every page router gets the CSRF check here, so no POST route can forget it.
        app.include_router(module.router, dependencies=[Depends(check_csrf)])
    install_error_pages(app)

    @app.middleware("http")
    async def server_timing(request: Request, call_next):
        # The page's time in this process, services' round trips included (what
        # `make bench-portal` reports); the browser's devtools show it too.
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.get("/health/live", include_in_schema=False)
    async def live():
        return {"status": "live"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready(request: Request):
        """Ready when the four services answer their liveness probe: a portal that cannot reach
        them would only show "temporarily unavailable" pages, so it takes no traffic."""
        down = await unreachable_services(request.app.state.services)
        if down:
            return JSONResponse({"status": "not ready", "unreachable": down}, status_code=503)
        return {"status": "ready"}

    return app


async def unreachable_services(services: ServicePool) -> list[str]:
    async def answers(client) -> bool:
        try:
            return (await client.http.get("/health/live", timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            return False

    names = list(services.clients)
    found = await asyncio.gather(*(answers(services.clients[name]) for name in names))
    return [name for name, ok in zip(names, found, strict=True) if not ok]
