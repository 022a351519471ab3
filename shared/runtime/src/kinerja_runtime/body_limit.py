"""A bound on every request body, with a per-route allowance.

Every route of every service takes at most ``HTTP_MAX_BODY_BYTES`` (1 MiB by default). A route
that legitimately takes more or must take less says so where it is declared, with FastAPI's own
``max_body_size`` (on the route, e.g. the CSV roster import's 8 MiB, or on
``include_router``, e.g. the public survey's few KiB); there is no other list of exceptions.

The counting is Starlette's ``RequestBodyLimitMiddleware`` (pure ASGI): a declared
Content-Length over the limit is refused before a byte is read, and a chunked body is counted
as it streams and refused as soon as it passes the limit, so nothing is read whole first. It is
installed here, inside the app's own middleware rather than through ``FastAPI(max_body_size=)``,
so that every refusal can be answered as problem+json naming the limit (:class:`_AsProblem`).
"""

import json

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware

from kinerja_runtime.problems import PROBLEM_JSON, body_too_large


def install_body_limit(app: FastAPI, max_bytes: int) -> None:
    """Bound every route's body to ``max_bytes`` unless the route declares its own ``max_body_size``."""
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=max_bytes)
    app.add_middleware(_AsProblem)  # outside the limiter, to see the answers it sends itself


def limit_of(scope) -> int | None:
    """The body limit in force for this request (the route's, once routed, else the app's)."""
    return scope.get(MAX_BODY_SIZE_SCOPE_KEY)


class _AsProblem:
    """Rewrites the limiter's own plain-text 413 as problem+json naming the limit.

    The limiter answers by itself when a route responds without reading a body whose declared
    length is over the limit (a route with no body parameter, or a 401 before the body). A 413
    raised while a route reads its body reaches the app's problem handlers instead."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_as_problem(message):
            nonlocal replaced
            if message["type"] == "http.response.start" and _is_plain_413(message):
                replaced = True
                body = json.dumps(
                    body_too_large(limit_of(scope) or 0, scope.get("path", "")), separators=(",", ":")
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_as_problem)


def _is_plain_413(message) -> bool:
    if message["status"] != 413:
        return False
    return Headers(raw=message.get("headers", [])).get("content-type", "").startswith("text/plain")
