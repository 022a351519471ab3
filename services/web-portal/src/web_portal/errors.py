"""What a person sees when something goes wrong: a page in their language, never a stack trace."""

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from web_portal.clients import ServiceNotFound, ServiceProblem, ServiceUnavailable, SignInRequired
from web_portal.rendering import render
from web_portal.session import CsrfRefused, RoleRequired, sign_out

log = logging.getLogger("web_portal")


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired):
        sign_out(request)  # an expired or refused token: start again
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/masuk?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(ServiceNotFound)
    async def service_not_found(request: Request, exc: ServiceNotFound):
        return render(request, "errors/not_found.html", status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return render(request, "errors/not_found.html", status_code=404)
        if exc.status_code == 405:
            return render(request, "errors/problem.html", {"detail": ""}, status_code=405)
        return render(request, "errors/problem.html", {"detail": ""}, status_code=exc.status_code)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused):
        return render(request, "errors/forbidden.html", {"reason": "csrf"}, status_code=403)

    @app.exception_handler(RoleRequired)
    async def role_required(request: Request, exc: RoleRequired):
        return render(request, "errors/forbidden.html", {"reason": "role"}, status_code=403)

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, exc: ServiceUnavailable):
        log.warning("service unavailable: %s (%s)", exc.service, exc.reason)
        return render(request, "errors/unavailable.html", status_code=503)

    @app.exception_handler(ServiceProblem)
    async def problem(request: Request, exc: ServiceProblem):
        # A page that did not expect this refusal: say what the service said, nothing more.
        status = exc.status if exc.status in (400, 403, 409, 413, 422, 429) else 400
        return render(request, "errors/problem.html", {"detail": exc.detail}, status_code=status)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        route = getattr(request.scope.get("route"), "path", None)  # the template: a path holds NIPs
        log.exception("unexpected error on %s %s", request.method, route)
        return render(request, "errors/error.html", status_code=500)
