"""Guards of the public (no login) survey routes: a per-client rate limit, checked before the
body is read, and a bound on the body's size, so anonymous callers cannot flood or bloat."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from kinerja_runtime.problems import problem_response
from starlette.exceptions import HTTPException

from feedback_service.adapters.rate_limit import SlidingWindowLimiter
from feedback_service.settings import SurveySettings

GUARD_KEY = "public_guard"


@dataclass
class PublicGuard:
    answers: SlidingWindowLimiter
    reads: SlidingWindowLimiter
    max_body_bytes: int
    trust_forwarded_for: bool

    @classmethod
    def from_settings(cls, settings: SurveySettings) -> "PublicGuard":
        return cls(
            answers=SlidingWindowLimiter(settings.rate_limit, settings.rate_window_seconds),
            reads=SlidingWindowLimiter(settings.read_rate_limit, settings.rate_window_seconds),
            max_body_bytes=settings.max_body_bytes,
            trust_forwarded_for=settings.trust_forwarded_for,
        )

    def client_of(self, request: Request) -> str:
        forwarded = request.headers.get("x-forwarded-for", "")
        if self.trust_forwarded_for and forwarded:
            # The rightmost entry is the one our own proxy appended; the rest the client wrote.
            return forwarded.split(",")[-1].strip()
        return request.client.host if request.client else "unknown"


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


class PublicRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            guard: PublicGuard = request.app.state.runtime.extras[GUARD_KEY]
            limiter = guard.reads if request.method in ("GET", "HEAD") else guard.answers
            wait = limiter.admit(guard.client_of(request))
            if wait is not None:
                response = problem_response(
                    request, 429, "Too many requests",
                    f"at most {limiter.limit} requests per {limiter.window:g} s; try again in {wait} s",
                    retry_after=wait,
                )
                response.headers["Retry-After"] = str(wait)
                return response
            declared = request.headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > guard.max_body_bytes):
                error = _too_large(guard.max_body_bytes)
                return problem_response(request, 413, "Content too large", error.detail)
            return await handler(_bounded(request, guard.max_body_bytes))

        return guarded
