"""The SIASN-compatible API as the connector calls it: OAuth2 client credentials with a cached
token, then one endpoint per record kind.

``POST {base}/{kind}`` creates a record and answers its ``id`` (201; 200 when the
``Idempotency-Key`` was seen before and the record already exists), ``PUT {base}/{kind}/{id}``
replaces it. Adapting the connector to another SIASN gateway means changing this module only:
the paths in :data:`PATHS`, the body's envelope in :meth:`SiasnClient.create` / ``update``.

Errors are sorted in two: :class:`Unreachable` (no answer, a timeout, 5xx, 429, refused
credentials: the record stays pending and is tried again with backoff) and :class:`Refused`
(SIASN answered that the record itself is wrong, e.g. 422: the record is marked failed with the
reason, for the reconciliation report).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
from kinerja_contracts.siasn import KURSUS, PERIODIK, SKP22

PATHS = {SKP22: "/skp22", PERIODIK: "/kinerja-periodik", KURSUS: "/kursus"}
TRANSIENT_STATUSES = frozenset({408, 425, 429})
TOKEN_MARGIN_SECONDS = 30.0  # renew a token this long before it expires


class SiasnError(Exception):
    """A record could not be delivered; ``str()`` is the reason, naming no personal value."""


class Unreachable(SiasnError):
    """SIASN did not take the record for a reason that is not the record's: try again later."""


class Refused(SiasnError):
    """SIASN refused the record itself (4xx): trying again will not help until it changes."""


@dataclass(frozen=True)
class Delivered:
    siasn_id: str
    created: bool  # False: an update, or a creation SIASN had already seen (same Idempotency-Key)


class TokenSource:
    """OAuth2 client credentials (RFC 6749 §4.4) with the token cached until shortly before it expires."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str = "",
        auth_method: str = "client_secret_basic",
        clock=time.monotonic,
    ):
        self.http = http
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.auth_method = auth_method
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0  # how many tokens were fetched (for tests and metrics)

    def invalidate(self) -> None:
        self._token = None

    async def token(self) -> str:
        if self._token is not None and self.clock() < self._expires_at:
            return self._token
        async with self._lock:
            if self._token is not None and self.clock() < self._expires_at:
                return self._token
            return await self._fetch()

    async def _fetch(self) -> str:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        auth = None
        if self.auth_method == "client_secret_post":
            form |= {"client_id": self.client_id, "client_secret": self.client_secret}
        else:
            auth = httpx.BasicAuth(self.client_id, self.client_secret)
        try:
            response = await self.http.post(self.token_url, data=form, auth=auth)
        except httpx.HTTPError as exc:
            raise Unreachable(f"SIASN token endpoint not reached: {type(exc).__name__}") from exc
        if response.status_code != 200:
            # Refused credentials are not the record's fault: keep it pending until they are fixed.
            raise Unreachable(f"SIASN token endpoint answered {response.status_code}{_oauth_error(response)}")
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in") or 300)
        except (ValueError, KeyError, TypeError) as exc:
            raise Unreachable("SIASN token endpoint answered without an access_token") from exc
        self._token = token
        self._expires_at = self.clock() + max(lifetime - min(TOKEN_MARGIN_SECONDS, lifetime / 10), 1.0)
        self.fetched += 1
        return token


class SiasnClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, tokens: TokenSource):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    async def create(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> Delivered:
        response = await self._call("POST", PATHS[kind], payload, {"Idempotency-Key": idempotency_key})
        if response.status_code not in (200, 201):
            raise _refusal(response, kind, "create")
        siasn_id = _id_of(response)
        return Delivered(siasn_id, created=response.status_code == 201)

    async def update(self, kind: str, siasn_id: str, payload: dict[str, Any]) -> Delivered:
        response = await self._call("PUT", f"{PATHS[kind]}/{siasn_id}", payload, {})
        if response.status_code not in (200, 204):
            raise _refusal(response, kind, "update")
        return Delivered(siasn_id, created=False)

    async def _call(self, method: str, path: str, payload: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        for attempt in (1, 2):
            token = await self.tokens.token()
            try:
                response = await self.http.request(
                    method,
                    f"{self.base_url}{path}",
                    json=payload,
                    headers={"Authorization": f"Bearer {token}", **headers},
                )
            except httpx.TimeoutException as exc:
                raise Unreachable(f"SIASN did not answer in time ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                raise Unreachable(f"SIASN not reached: {type(exc).__name__}") from exc
            if response.status_code == 401 and attempt == 1:
                self.tokens.invalidate()  # revoked or expired early: one more try with a new token
                continue
            if response.status_code in (401, 403):
                raise Unreachable(f"SIASN refused the connector's token ({response.status_code})")
            if response.status_code >= 500 or response.status_code in TRANSIENT_STATUSES:
                raise Unreachable(f"SIASN answered {response.status_code}")
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def _id_of(response: httpx.Response) -> str:
    try:
        return str(response.json()["id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise Unreachable(f"SIASN answered {response.status_code} without a record id") from exc


def _refusal(response: httpx.Response, kind: str, what: str) -> Refused:
    return Refused(f"SIASN refused the {what} of a {kind} record ({response.status_code}){_detail(response)}")


def _detail(response: httpx.Response) -> str:
    """The field names and rules SIASN gave (never the values sent), bounded."""
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list):
        parts = [
            f"{e.get('field')}: {e.get('message')}"
            for e in errors
            if isinstance(e, dict) and e.get("field") is not None
        ]
        return (": " + "; ".join(parts))[:800] if parts else ""
    message = body.get("message") if isinstance(body, dict) else None
    return f": {str(message)[:300]}" if message else ""


def _oauth_error(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return f" ({error})" if isinstance(error, str) else ""
