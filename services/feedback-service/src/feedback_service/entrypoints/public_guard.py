"""Guards of the public (no login) survey routes: the rate limits (rate_limited.py), checked
before the body is read, and a bound on the body's size, so anonymous callers cannot flood or bloat."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from kinerja_runtime.problems import problem_response
from starlette.exceptions import HTTPException

from feedback_service.entrypoints.rate_limited import RateLimitedRoute
from feedback_service.settings import SurveySettings

GUARD_KEY = "public_guard"


@dataclass
class PublicGuard:
    max_body_bytes: int

    @classmethod
    def from_settings(cls, settings: SurveySettings) -> "PublicGuard":
        return cls(max_body_bytes=settings.max_body_bytes)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"Content too large: the request body may be at most {limit} bytes")


def _bounded(request: Request, limit: int) -> Request:
    """The same request, whose body reading stops with 413 once more than ``limit`` bytes came
    (a chunked body announces no length up front)."""
    received = 0

    async def receive():
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _too_large(limit)
        return message

    return Request(request.scope, receive)


class PublicRoute(RateLimitedRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            guard: PublicGuard = request.app.state.runtime.extras[GUARD_KEY]
            declared = request.headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > guard.max_body_bytes):
                error = _too_large(guard.max_body_bytes)
                return problem_response(request, 413, "Content too large", error.detail)
            return await handler(_bounded(request, guard.max_body_bytes))

        return guarded
