"""Rate limits of the public (no login) survey routes over HTTP: who the client is (behind
trusted proxies only), 429 with Retry-After beyond a limit, and a 503 when the shared store
of the limits does not answer — refusing is safer than letting a flood through unlimited."""

from collections.abc import Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from kinerja_runtime.app import runtime_of
from kinerja_runtime.logging import get_logger
from kinerja_runtime.refusals import Refused, TooMany, Unavailable

from feedback_service.adapters.rate_limits import LimiterUnavailable, RateLimits, Rule
from feedback_service.entrypoints.client_address import client_address
from feedback_service.settings import Network, SurveySettings

log = get_logger(__name__)
LIMITS_KEY = "public_rate_limits"
RETRY_WHEN_UNAVAILABLE_SECONDS = 5


class RateLimited(TooMany):
    """429: over one of the public limits; Retry-After (and ``retry_after``) says when to try again."""

    def __init__(self, reason: str, retry_after: int):
        super().__init__(reason, retry_after=retry_after)
        self.retry_after = retry_after


class LimitsUnavailable(Unavailable):
    """503: the shared store of the limits does not answer, so the public routes are refused."""

    retry_after = RETRY_WHEN_UNAVAILABLE_SECONDS

    def __init__(self):
        super().__init__("the public survey is briefly unavailable; try again shortly")


@dataclass
class PublicRateLimits:
    limits: RateLimits
    trusted_proxies: list[Network]

    def client_of(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        return client_address(peer, request.headers.getlist("x-forwarded-for"), self.trusted_proxies)

    async def check(self, rule: Rule, *identity: str, what: str) -> None:
        """Count one request of ``identity``; RateLimited beyond the rule (``what`` names the
        kind of request in the answer; never the identity), LimitsUnavailable when the store
        of the limits does not answer."""
        try:
            wait = await self.limits.admit(rule, *identity)
        except LimiterUnavailable as exc:
            raise LimitsUnavailable() from exc
        if wait is not None:
            raise RateLimited(f"{what}: {rule.describe()}; try again in {wait} s", retry_after=wait)


def public_rate_limits(request: Request) -> PublicRateLimits:
    return request.app.state.runtime.extras[LIMITS_KEY]


class RateLimitedRoute(APIRoute):
    """A public route whose caller is counted (answers and reads apart) before the body is read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            guard = public_rate_limits(request)
            client = guard.client_of(request)
            if request.method in ("GET", "HEAD"):
                await guard.check(guard.limits.reads, client, what="public reads from one client")
            else:
                await guard.check(guard.limits.answers, client, what="survey answers from one client")
            return await handler(request)

        return limited


def install_rate_limits(app: FastAPI, settings: SurveySettings) -> PublicRateLimits:
    """Keep the limits on the app, render their refusals, and close the store when the app stops."""
    guard = PublicRateLimits(RateLimits(settings), list(settings.trusted_proxies))
    runtime_of(app).extras[LIMITS_KEY] = guard

    answer = app.exception_handlers[Refused]  # the runtime's problem+json answer to a refusal

    @app.exception_handler(RateLimited)
    @app.exception_handler(LimitsUnavailable)
    async def retry_later(request: Request, exc: RateLimited | LimitsUnavailable):
        if isinstance(exc, LimitsUnavailable):
            # No client address in the log: it is personal data, and the outage is the news.
            log.warning(
                "rate-limit store unavailable; public survey route refused",
                error=str(exc.__cause__),
                path=request.url.path,
            )
        response = await answer(request, exc)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with started(app) as state:
            try:
                yield state
            finally:
                await guard.limits.close()

    app.router.lifespan_context = lifespan
    return guard
