"""Outbox relay: publishes committed outbox rows in order and marks them sent.

Only the replica holding the relay lease publishes, so two replicas never interleave
a service's events; a lease that is not renewed expires and another replica takes over.
Published rows are kept for a retention period so they can be replayed after a broker loss.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from kinerja_runtime.logging import get_logger
from kinerja_runtime.metrics import OUTBOX_PUBLISHED
from kinerja_runtime.tables import outbox, relay_lease

log = get_logger(__name__)

# Returns None once the broker confirmed, or an awaitable confirmation to wait for later.
Publish = Callable[[str, bytes, bytes, dict[str, str]], Awaitable[Awaitable | None]]
LEASE_NAME = "outbox"


def _now() -> datetime:
    return datetime.now(UTC)


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker,
        publish: Publish,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
        lease_seconds: float = 10.0,
        retention: timedelta = timedelta(days=7),
    ):
        self._sessions = sessions
        self._publish = publish
        self._poll = poll_seconds
        self._batch = batch_size
        self._lease = timedelta(seconds=lease_seconds)
        self._retention = retention
        self.owner = f"relay-{uuid.uuid4()}"
        self._wake = asyncio.Event()
        self._stopping = False
        self._last_purge = _now()
        self._held_until = 0.0  # monotonic time until which this relay's lease surely holds

    def wake(self) -> None:
        """Called after a commit that queued events, so they leave without waiting for the poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                sent = await self.relay_once()
                await self._purge_if_due()
            except Exception:
                log.exception("outbox relay failed; retrying")
                sent = 0
            if sent == 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def relay_once(self) -> int:
        """Publish one batch in id order; returns how many rows were sent."""
        if not await self._hold_lease():
            return 0
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.record_key, outbox.c.headers, outbox.c.payload)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch)
                )
            ).all()
        # Records are handed to the producer without waiting for each acknowledgement (the
        # producer keeps one request per partition in flight, so order holds), then all are
        # awaited, bounded by a third of the lease, and marked sent together.
        pending: list[Awaitable] = []
        sent_ids: list[int] = []
        deadline = time.monotonic() + self._lease.total_seconds() / 3
        for row in rows:
            if not await self._keep_lease():
                break
            confirmation = await asyncio.wait_for(
                self._publish(row.topic, row.record_key.encode(), row.payload.encode(), dict(row.headers)),
                timeout=max(deadline - time.monotonic(), 0.001),
            )
            if confirmation is not None:
                pending.append(confirmation)
            sent_ids.append(row.id)
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending), timeout=max(deadline - time.monotonic(), 0.001))
        marked = await self._mark_published(sent_ids)
        OUTBOX_PUBLISHED.inc(marked)
        return marked

    async def _keep_lease(self) -> bool:
        remaining = self._held_until - time.monotonic()
        if remaining > self._lease.total_seconds() / 2:
            return True
        return await self._hold_lease()

    async def _mark_published(self, row_ids: list[int]) -> int:
        """Marks only while this relay still holds the lease: a relay that lost it marks nothing,
        and the new holder sends those rows again (consumers dedupe by ce_id)."""
        if not row_ids:
            return 0
        held = select(relay_lease.c.name).where(relay_lease.c.name == LEASE_NAME, relay_lease.c.owner == self.owner)
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(outbox).where(outbox.c.id.in_(row_ids), held.exists()).values(published_at=_now())
            )
        return result.rowcount

    async def _hold_lease(self) -> bool:
        started = time.monotonic()
        held = await self._claim_lease()
        # Counted from before the claim, so local time never outlives the lease others see.
        self._held_until = started + self._lease.total_seconds() if held else 0.0
        return held

    async def _claim_lease(self) -> bool:
        now = _now()
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(relay_lease)
                .where(relay_lease.c.name == LEASE_NAME)
                .where(or_(relay_lease.c.owner == self.owner, relay_lease.c.expires_at < now))
                .values(owner=self.owner, expires_at=now + self._lease)
            )
            if result.rowcount == 1:
                return True
            exists = await session.scalar(select(relay_lease.c.name).where(relay_lease.c.name == LEASE_NAME))
        if exists:
            return False
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(
                    insert(relay_lease).values(name=LEASE_NAME, owner=self.owner, expires_at=now + self._lease)
                )
            return True
        except IntegrityError:
            return False

    async def release(self) -> None:
        """Give the lease up on a clean stop so another replica need not wait for expiry."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(relay_lease).where(relay_lease.c.name == LEASE_NAME, relay_lease.c.owner == self.owner)
            )

    async def _purge_if_due(self) -> None:
        if _now() - self._last_purge < timedelta(minutes=10):
            return
        self._last_purge = _now()
        self._held_until = 0.0  # monotonic time until which this relay's lease surely holds
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < _now() - self._retention)
            )


async def replay_since(sessions: async_sessionmaker, since: datetime) -> int:
    """Mark rows created since ``since`` unpublished again, e.g. after the broker lost its topics."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(outbox).where(outbox.c.created_at >= since).values(published_at=None)
        )
    return result.rowcount


async def pending_count(sessions: async_sessionmaker) -> int:
    from sqlalchemy import func

    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)))
