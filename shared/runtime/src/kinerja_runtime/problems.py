"""RFC 9457 problem+json errors and the handlers that render them."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from kinerja_runtime.logging import get_logger
from kinerja_runtime.refusals import (
    InvalidInput,
    NotFound,
    NotPermitted,
    Refused,
    TooLarge,
    TooMany,
    Unauthenticated,
    Unavailable,
    UnsupportedFormat,
    WrongState,
)

log = get_logger(__name__)
PROBLEM_JSON = "application/problem+json"


# The answer to each kind of refusal: (status, title). The one place a refusal becomes HTTP.
ANSWERS: dict[type[Refused], tuple[int, str]] = {
    InvalidInput: (422, "Unprocessable content"),
    NotPermitted: (403, "Forbidden"),
    NotFound: (404, "Not found"),
    WrongState: (409, "Conflict"),
    TooLarge: (413, "Content too large"),
    Unauthenticated: (401, "Unauthorized"),
    UnsupportedFormat: (415, "Unsupported media type"),
    TooMany: (429, "Too many requests"),
    Unavailable: (503, "Service unavailable"),
}


def answer_to(refusal: Refused) -> tuple[int, str]:
    """The status and title for a refusal: its nearest kind in :data:`ANSWERS` (400 if none)."""
    for kind in type(refusal).__mro__:
        if kind in ANSWERS:
            return ANSWERS[kind]
    return 400, "Bad request"


def problem_body(status: int, title: str, detail: str, instance: str, **extensions) -> dict:
    return {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extensions,
    }


def body_too_large(limit: int, instance: str) -> dict:
    """The answer to a request body over its route's limit (see :mod:`kinerja_runtime.body_limit`)."""
    return problem_body(
        413,
        ANSWERS[TooLarge][1],
        f"the request body may be at most {limit} bytes",
        instance,
        limit="max_body_bytes",
        maximum=limit,
    )


def problem_response(request: Request, status: int, title: str, detail: str, **extensions) -> JSONResponse:
    body = problem_body(status, title, detail, request.url.path, **extensions)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def on_refused(request: Request, exc: Refused):
        status, title = answer_to(exc)
        return problem_response(request, status, title, exc.reason, **exc.details)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        errors = [
            {"field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"), "message": err.get("msg", "")}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors)
        return problem_response(request, 422, "Unprocessable content", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
        if exc.status_code == 413 and limit is not None:  # the body limiter, while the route read the body
            return JSONResponse(body_too_large(limit, request.url.path), status_code=413, media_type=PROBLEM_JSON)
        return problem_response(request, exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
        # The route's template, not the path: a path holds NIPs and ids.
        log.exception("unhandled error", method=request.method, route=getattr(request.scope.get("route"), "path", None))
        return problem_response(request, 500, "Internal server error", "an unexpected error occurred")
