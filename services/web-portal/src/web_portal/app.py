"""The portal app: pages, sign-in, sessions, error pages and the service clients."""

from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from web_portal import pages
from web_portal.clients import ServicePool
from web_portal.errors import install_error_pages
from web_portal.session import check_csrf
from web_portal.settings import PortalSettings
from web_portal.sign_in import make_oauth

SESSION_COOKIE = "kinerja_sesi"


def create_app(settings: PortalSettings | None = None,
               transports: dict[str, httpx.AsyncBaseTransport] | None = None) -> FastAPI:
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
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret, session_cookie=SESSION_COOKIE,
                       max_age=settings.session_max_age_seconds, same_site="lax", https_only=settings.cookie_secure)
    app.mount("/static", StaticFiles(directory=str(pages.STATIC)), name="static")
    for module in pages.MODULES:
        # Every page router gets the CSRF check here, so no POST route can forget it.
        app.include_router(module.router, dependencies=[Depends(check_csrf)])
    install_error_pages(app)

    @app.get("/health/ready", include_in_schema=False)
    async def ready():
        return {"status": "ready"}

    return app
