"""The running connector: its state, the consumer of the public topics and the sender to SIASN."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx

from .apply import Applier
from .consumer import EventFeed
from .sender import Sender
from .settings import ConnectorSettings
from .siasn import SiasnClient, TokenSource
from .store import Store

log = logging.getLogger("siasn_connector")


class Connector:
    def __init__(self, settings: ConnectorSettings, *, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.store = Store(settings.state_url)
        self.applier = Applier(self.store, settings.siasn_roster_grace_seconds, settings.jenis_diklat_table)
        self.http = httpx.AsyncClient(timeout=settings.siasn_timeout_seconds, transport=transport)
        self.tokens = TokenSource(
            self.http,
            settings.token_url,
            settings.siasn_client_id,
            settings.siasn_client_secret.get_secret_value(),
            scope=settings.siasn_scope,
            auth_method=settings.siasn_token_auth,
        )
        self.client = SiasnClient(self.http, settings.siasn_base_url, self.tokens)
        self.sender = Sender(settings, self.store, self.applier, self.client)
        self.feed = EventFeed(settings, self.store, self.applier, self.sender.wake)
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> Connector:
        await self.store.create()
        self._tasks = [
            asyncio.create_task(self._guard("consumer", self.feed.run), name="siasn-consumer"),
            asyncio.create_task(self._guard("sender", self.sender.run), name="siasn-sender"),
        ]
        log.info("SIASN connector started: group %s, SIASN at %s", self.settings.consumer_group, self.client.base_url)
        return self

    async def _guard(self, name: str, run) -> None:
        """Keep a loop alive: an unexpected error is logged and the loop started again."""
        while True:
            try:
                await run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the %s loop failed; restarting it", name)
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await self.http.aclose()
        await self.store.close()

    @property
    def ready(self) -> bool:
        return self.feed.started.is_set() and all(not t.done() for t in self._tasks)

    async def reconciliation(self, **options: Any) -> dict[str, Any]:
        report = await self.store.reconciliation(**options)
        lag = await self.feed.lag()
        report["consumer"] = {
            "group": self.settings.consumer_group,
            "lag": lag,
            "caught_up": lag == 0,
            "events_applied": self.feed.applied,
        }
        report["siasn"] = {
            "base_url": self.client.base_url,
            "reachable": self.sender.failures == 0,
            "last_error": self.sender.last_error if self.sender.failures else None,
        }
        return report
