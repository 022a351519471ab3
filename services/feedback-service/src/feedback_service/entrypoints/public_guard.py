"""Guards of the public (no login) survey routes: a per-client rate limit, checked before the
body is read, so anonymous callers cannot flood. Their small body bound is the runtime's body
limit, set where the public router is included (feedback_service.main)."""

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from kinerja_runtime.problems import problem_response

from feedback_service.adapters.rate_limit import SlidingWindowLimiter
from feedback_service.settings import SurveySettings

GUARD_KEY = "public_guard"


@dataclass
class PublicGuard:
    answers: SlidingWindowLimiter
    reads: SlidingWindowLimiter
    trust_forwarded_for: bool

    @classmethod
    def from_settings(cls, settings: SurveySettings) -> "PublicGuard":
        return cls(
            answers=SlidingWindowLimiter(settings.rate_limit, settings.rate_window_seconds),
            reads=SlidingWindowLimiter(settings.read_rate_limit, settings.rate_window_seconds),
            trust_forwarded_for=settings.trust_forwarded_for,
        )

    def client_of(self, request: Request) -> str:
        forwarded = request.headers.get("x-forwarded-for", "")
        if self.trust_forwarded_for and forwarded:
            # The rightmost entry is the one our own proxy appended; the rest the client wrote.
            return forwarded.split(",")[-1].strip()
        return request.client.host if request.client else "unknown"


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
            return await handler(request)

        return guarded
