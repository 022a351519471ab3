"""The benchmark's HTTP client: one keep-alive connection pool, at most ``concurrency`` requests
in flight, dev-issuer tokens made once per caller, and every answer counted in the current
phase (a refused request is counted by its status and the run goes on).

aiohttp rather than httpx: the driver shares the machine with the services it measures, and
httpx's pool spent about as much CPU per request as the service answering it (its pool scans
every connection for each request), which the benchmark then reported as the services' limit."""

import asyncio
import json
from collections import deque
from collections.abc import Iterable

import aiohttp
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings

from kinerja_devtools.province_bench.measurements import Recorder


class Limit:
    """At most ``n`` holders at once, first come first served. A phase queues every request of
    its own at once (700,000 feedback requests at N=100,000); on Ctrl-C asyncio cancels them all,
    and ``asyncio.Semaphore`` removes each cancelled waiter from its queue by searching it, which
    at that size took longer than anyone waits. Here a cancelled waiter is skipped when its turn
    comes instead."""

    def __init__(self, n: int):
        self._free = n
        self._waiting: deque[asyncio.Future] = deque()

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # given a place just before the cancel
                self._release()
            raise

    async def __aexit__(self, *_exc) -> None:
        self._release()

    def _release(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1


class Client:
    def __init__(self, urls: dict[str, str], recorder: Recorder, concurrency: int = 48, timeout: float = 120.0):
        self.urls = urls
        self.recorder = recorder
        self.limit = Limit(concurrency)
        self.concurrency = concurrency
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None
        self.issuer = TokenIssuer(ServiceSettings())
        self._tokens: dict[tuple[str, str, tuple[str, ...]], str] = {}

    @property
    def http(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the running event loop.
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.concurrency, keepalive_timeout=60),
                timeout=self.timeout,
            )
        return self._http

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
        content: bytes | None = None,
        **kwargs,
    ):
        """The JSON answer, or None when the request failed (then counted as an error by status).

        ``count=False`` for reads that poll for something to arrive: they are not the phase's
        operations and an expected 404 on the way is not an error."""
        headers = {**self.headers(agency, nip, roles), **kwargs.pop("headers", {})}
        phase = self.recorder.current if count else None
        async with self.limit:
            try:
                async with self.http.request(
                    method, f"{self.urls[service]}{path}", headers=headers, data=content, **kwargs
                ) as response:
                    status, body = response.status, await response.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                if phase:
                    phase.failed(type(exc).__name__, f"{method} {service}{path}", str(exc))
                return None
        if status not in expect:
            if phase:
                phase.failed(status, f"{method} {service}{path}", body.decode(errors="replace"))
            return None
        if phase:
            phase.done()
        return json.loads(body) if body else {}

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
