"""The four services' public HTTP APIs, as the portal calls them.

One pooled ``httpx.AsyncClient`` per service for the life of the app. A page calls a service
through ``api(request)`` (the signed-in user's bearer token) or ``public_api(request)`` (no
token: the citizen survey)::

    skps = await api(request).target.get("/me/skp", params={"period_id": period_id})
    pdf = await api(request).target.download(f"/skp/{skp_id}/document.pdf")  # bytes and headers

Answers other than 2xx become exceptions the app turns into pages (web_portal.errors):
``SignInRequired`` (401: back to sign-in), ``ServiceNotFound`` (404: a friendly not-found page),
``ServiceUnavailable`` (5xx, timeouts, refused connections: a friendly error page, never a trace)
and ``ServiceProblem`` (any other 4xx: a page catches it to show ``problem.field_errors`` next
to the form's fields, e.g. the 422s' ``errors: [{field, message}]``).
"""

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from web_portal.settings import SERVICES, PortalSettings


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class SignInRequired(Exception):
    """No session, or the service refused the session's token (expired, revoked)."""


class ServiceUnavailable(Exception):
    def __init__(self, service: str, reason: str):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


@dataclass
class ServiceProblem(Exception):
    """A service's problem+json answer (RFC 9457)."""

    service: str
    status: int
    title: str = ""
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    body: dict = field(default_factory=dict)

    def __post_init__(self):
        super().__init__(f"{self.service} {self.status}: {self.detail}")

    @property
    def field_errors(self) -> dict[str, str]:
        """Field name -> message, as the form macros take them (the first message per field)."""
        found: dict[str, str] = {}
        for error in self.errors:
            found.setdefault(error.field, error.message)
        return found

    @property
    def general_errors(self) -> list[str]:
        """What no field of the form shows: the detail when no field was named."""
        return [] if self.errors else [self.detail or self.title]


class ServiceNotFound(ServiceProblem):
    pass


def problem_from(service: str, response: httpx.Response) -> ServiceProblem:
    """The problem a 4xx answer describes; a body that is not problem+json still gives a problem."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = [
        FieldError(str(e.get("field", "")), str(e.get("message", "")))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
    kind = ServiceNotFound if response.status_code == 404 else ServiceProblem
    return kind(
        service=service,
        status=response.status_code,
        title=str(body.get("title", "")),
        detail=str(body.get("detail", "")),
        errors=errors,
        body=body,
    )


class ServiceClient:
    def __init__(self, name: str, http: httpx.AsyncClient):
        self.name = name
        self.http = http

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict | None = None,
    ) -> Any:
        response = await self.send(
            method, path, token=token, params=params, json=json, content=content, headers=headers
        )
        return response.json() if response.content else None

    async def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        """The service's 2xx answer as it came (a document's bytes); anything else raised as above."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            response = await self.http.request(method, path, params=params, json=json, content=content, headers=sent)
        except httpx.TimeoutException as exc:
            raise ServiceUnavailable(self.name, "timed out") from exc
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(self.name, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(self.name, f"answered {response.status_code}")
        if response.status_code == 401 and token:
            raise SignInRequired()
        if response.status_code >= 400:
            raise problem_from(self.name, response)
        return response


class ServicePool:
    """The app's clients, one per service; closed with the app."""

    def __init__(self, settings: PortalSettings, transports: dict[str, httpx.AsyncBaseTransport] | None = None):
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        timeout = httpx.Timeout(settings.service_timeout_seconds, connect=min(3.0, settings.service_timeout_seconds))
        self.clients = {
            name: ServiceClient(
                name,
                httpx.AsyncClient(
                    base_url=url,
                    timeout=timeout,
                    limits=limits,
                    transport=(transports or {}).get(name),
                    headers={"User-Agent": "kinerja-web-portal"},
                ),
            )
            for name, url in settings.service_urls().items()
        }

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.http.aclose()


class BoundClient:
    """A service called as one person (or as nobody, for the public routes)."""

    def __init__(self, client: ServiceClient, token: str | None, headers: dict | None = None):
        self._client, self._token, self._headers = client, token, headers

    async def get(self, path: str, params: dict | None = None) -> Any:
        return await self._client.request("GET", path, token=self._token, params=params, headers=self._headers)

    async def download(self, path: str, params: dict | None = None) -> httpx.Response:
        """A file the service makes (a PDF document, an .xlsx export): the answer, to pass on as it is."""
        return await self._client.send("GET", path, token=self._token, params=params, headers=self._headers)

    async def post(
        self,
        path: str,
        json: Any = None,
        params: dict | None = None,
        content: bytes | None = None,
        headers: dict | None = None,
    ) -> Any:
        return await self._client.request(
            "POST",
            path,
            token=self._token,
            params=params,
            json=json,
            content=content,
            headers={**(self._headers or {}), **(headers or {})},
        )

    async def put(self, path: str, json: Any = None) -> Any:
        return await self._client.request("PUT", path, token=self._token, json=json, headers=self._headers)

    async def delete(self, path: str) -> Any:
        return await self._client.request("DELETE", path, token=self._token, headers=self._headers)


class Api:
    def __init__(self, pool: ServicePool, token: str | None, headers: dict | None = None):
        bound = {name: BoundClient(pool.clients[name], token, headers) for name in SERVICES}
        self.target, self.feedback = bound["target-service"], bound["feedback-service"]
        self.appraisal, self.training = bound["appraisal-service"], bound["training-service"]


def api(request: Request) -> Api:
    """The services as the signed-in user (SignInRequired when nobody is)."""
    from web_portal.session import current_user

    current_user(request)
    return Api(request.app.state.services, request.session.get("token"))


def public_api(request: Request) -> Api:
    """The services' public routes, naming the visitor's address as a proxy does, so the services'
    per-client limits count each citizen, not the portal (list the portal in SURVEY_TRUSTED_PROXIES)."""
    client = request.client.host if request.client else None
    return Api(request.app.state.services, None, {"X-Forwarded-For": client} if client else None)


async def section(call):
    """One section's data, or None when its service does not answer or refuses (the page shows
    the rest and says that part cannot be loaded now)."""
    try:
        return await call
    except (ServiceUnavailable, ServiceProblem):
        return None
