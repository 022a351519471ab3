"""RFC 9457 problem+json errors and the handlers that render them."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from kinerja_runtime.logging import get_logger

log = get_logger(__name__)
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extensions):
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class Unauthorized(Problem):
    status, title = 401, "Unauthorized"


class Forbidden(Problem):
    status, title = 403, "Forbidden"


class NotFound(Problem):
    status, title = 404, "Not found"


class Conflict(Problem):
    status, title = 409, "Conflict"


class Unprocessable(Problem):
    status, title = 422, "Unprocessable content"


class UnsupportedMediaType(Problem):
    status, title = 415, "Unsupported media type"


class ContentTooLarge(Problem):
    status, title = 413, "Content too large"


class TooManyRequests(Problem):
    status, title = 429, "Too many requests"


def problem_body(status: int, title: str, detail: str, instance: str, **extensions) -> dict:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance,
            **extensions}


def body_too_large(limit: int, instance: str) -> dict:
    """The answer to a request body over its route's limit (see :mod:`kinerja_runtime.body_limit`)."""
    return problem_body(413, ContentTooLarge.title, f"the request body may be at most {limit} bytes", instance,
                        limit="max_body_bytes", maximum=limit)


def problem_response(request: Request, status: int, title: str, detail: str, **extensions) -> JSONResponse:
    body = problem_body(status, title, detail, request.url.path, **extensions)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        return problem_response(request, exc.status, exc.title, exc.detail, **exc.extensions)

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
