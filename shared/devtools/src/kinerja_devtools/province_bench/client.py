"""The benchmark's HTTP client: one keep-alive connection pool, at most ``concurrency`` requests
in flight, dev-issuer tokens made once per caller, and every answer counted in the current
phase (a refused request is counted by its status and the run goes on)."""

import asyncio
from collections.abc import Iterable

import httpx
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings

from kinerja_devtools.province_bench.measurements import Recorder


class Client:
    def __init__(self, urls: dict[str, str], recorder: Recorder, concurrency: int = 48, timeout: float = 120.0):
        self.urls = urls
        self.recorder = recorder
        self.limit = asyncio.Semaphore(concurrency)
        self.http = httpx.AsyncClient(
            timeout=timeout,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self.issuer = TokenIssuer(ServiceSettings())
        self._tokens: dict[tuple[str, str, tuple[str, ...]], str] = {}

    def headers(self, agency: str, nip: str, roles: Iterable[str]) -> dict[str, str]:
        key = (agency, nip, tuple(roles))
        token = self._tokens.get(key)
        if token is None:
            token = self._tokens[key] = self.issuer.issue(nip, agency, list(key[2]))
        return {"Authorization": f"Bearer {token}"}

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        agency: str,
        nip: str,
        roles: Iterable[str],
        expect: tuple[int, ...] = (200, 201),
        count: bool = True,
        **kwargs,
    ):
        """The JSON answer, or None when the request failed (then counted as an error by status).

        ``count=False`` for reads that poll for something to arrive: they are not the phase's
        operations and an expected 404 on the way is not an error."""
        headers = {**self.headers(agency, nip, roles), **kwargs.pop("headers", {})}
        phase = self.recorder.current if count else None
        async with self.limit:
            try:
                response = await self.http.request(method, f"{self.urls[service]}{path}", headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                if phase:
                    phase.failed(type(exc).__name__, f"{method} {service}{path}", str(exc))
                return None
        if response.status_code not in expect:
            if phase:
                phase.failed(response.status_code, f"{method} {service}{path}", response.text)
            return None
        if phase:
            phase.done()
        return response.json() if response.content else {}

    async def close(self) -> None:
        await self.http.aclose()
