"""Sending stored records to SIASN: create once, update on every newer version, retry with backoff.

A record is taken with a lease (so replicas sharing the database never send it twice at
once), mapped again with what the connector knows now (a roster event may have arrived since
it was stored), then created (``POST`` with the record's stable ``Idempotency-Key``) or, once
SIASN gave it an id, updated (``PUT``). When SIASN cannot be reached or fails (timeouts, 5xx,
429), the record stays pending and the sender pauses, doubling the pause on every failed round
up to ``SIASN_BACKOFF_MAX_SECONDS``; when SIASN refuses the record itself (4xx), it is marked
failed with SIASN's reason.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

from kinerja_contracts.siasn import KURSUS, AppraisalFacts, TrainingFacts

from .apply import Applier
from .settings import ConnectorSettings
from .siasn import Refused, SiasnClient, Unreachable
from .store import Store, StoredRecord

log = logging.getLogger("siasn_connector.sender")
IDLE_POLL_SECONDS = 2.0

OK, REFUSED, UNREACHABLE, SKIPPED = "ok", "refused", "unreachable", "skipped"


def facts_of(record: StoredRecord) -> AppraisalFacts | TrainingFacts:
    if record.kind == KURSUS:
        return TrainingFacts.from_json(record.facts)
    return AppraisalFacts.from_json(record.facts)


class Sender:
    def __init__(self, settings: ConnectorSettings, store: Store, applier: Applier, client: SiasnClient):
        self.settings = settings
        self.store = store
        self.applier = applier
        self.client = client
        self._wake = asyncio.Event()
        self.lease_seconds = settings.siasn_timeout_seconds * 3 + 30
        self.failures = 0  # consecutive rounds in which SIASN could not be reached
        self.last_error: str | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                due = await self.store.due(self.settings.siasn_concurrency * 4)
            except Exception as exc:
                log.error("could not read pending records (%s)", type(exc).__name__)
                await asyncio.sleep(self.settings.siasn_backoff_seconds)
                continue
            if not due:
                await self._idle()
                continue
            if await self.send_round(due) and self.failures:
                pause = self.backoff()
                log.warning("SIASN not reached (%s); next attempt in %.1f s", self.last_error, pause)
                await asyncio.sleep(pause)

    async def _idle(self) -> None:
        timeout = IDLE_POLL_SECONDS
        next_hold = await self.store.next_hold()
        if next_hold is not None:
            timeout = max(0.05, min(timeout, next_hold - time.time() + 0.01))
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass

    def backoff(self) -> float:
        base = self.settings.siasn_backoff_seconds * 2 ** max(self.failures - 1, 0)
        pause = min(base, self.settings.siasn_backoff_max_seconds)
        return pause * random.uniform(0.8, 1.0)

    async def send_round(self, due: list[int]) -> bool:
        """Send ``due`` records, ``SIASN_CONCURRENCY`` at a time; stop at the first chunk in which
        SIASN could not be reached. True when that happened."""
        step = self.settings.siasn_concurrency
        for start in range(0, len(due), step):
            outcomes = await asyncio.gather(*(self.send_one(record_id) for record_id in due[start : start + step]))
            if UNREACHABLE in outcomes:
                self.failures += 1
                return True
            if OK in outcomes or REFUSED in outcomes:
                self.failures = 0
        return False

    async def send_one(self, record_id: int) -> str:
        if not await self.store.claim(record_id, self.lease_seconds):
            return SKIPPED
        try:
            async with self.store.engine.connect() as conn:
                record = await self.store.load(conn, record_id)
                facts = facts_of(record)
                context = await self.store.context_for(conn, facts)
            mapped = self.applier.map(facts, context)
            if mapped.payload != record.payload or list(mapped.missing) != record.missing:
                await self.store.remapped(record_id, record.version, mapped.payload, list(mapped.missing), None)
            if record.siasn_id is None:
                delivered = await self.client.create(record.kind, mapped.payload, record.record_uuid)
                if not delivered.created:
                    # SIASN created it on an earlier attempt whose answer never arrived (the
                    # Idempotency-Key matched): bring it up to this version.
                    await self.client.update(record.kind, delivered.siasn_id, mapped.payload)
                await self.store.sent(record_id, record.version, delivered.siasn_id, updated=False)
            else:
                await self.client.update(record.kind, record.siasn_id, mapped.payload)
                await self.store.sent(record_id, record.version, record.siasn_id, updated=True)
            return OK
        except Refused as exc:
            log.warning("SIASN refused record %s: %s", record_id, exc)
            await self.store.refused(record_id, record.version, str(exc))
            return REFUSED
        except Unreachable as exc:
            self.last_error = str(exc)
            await self.store.not_reached(record_id, str(exc))
            return UNREACHABLE
        except Exception as exc:
            # Our own failure (the database, a bug): keep the record pending, say what kind.
            log.exception("could not send record %s", record_id)
            self.last_error = f"connector error: {type(exc).__name__}"
            try:
                await self.store.not_reached(record_id, self.last_error)
            except Exception:
                log.error("could not release record %s; its lease expires", record_id)
            return UNREACHABLE
