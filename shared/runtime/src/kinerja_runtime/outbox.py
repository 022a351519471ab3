"""Outbox relay: publishes committed outbox rows in order and marks them sent.

Only the replica holding the relay lease publishes, so two replicas never interleave
a service's events; a lease that is not renewed expires and another replica takes over.
Published rows are kept for a retention period so they can be replayed after a broker loss.

A batch of rows is handed to the producer without waiting record by record; rows are marked
sent as the broker acknowledges them, in bulk statements, each renewing the lease in the same
transaction. A record the broker refuses for good is parked (kept with its reason) and the rows
after it flow on; any other failure stops the batch at that row, to be taken up again from
there. See docs/adr/0006-relay-acknowledgements-and-parking.md.
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import errors as kafka_errors
from sqlalchemy import LargeBinary, bindparam, cast, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kinerja_runtime.logging import get_logger
from kinerja_runtime.metrics import OUTBOX_PARKED, OUTBOX_PUBLISH_FAILURES, OUTBOX_PUBLISHED
from kinerja_runtime.redaction import describe
from kinerja_runtime.tables import outbox, relay_lease

log = get_logger(__name__)

# Returns None once the broker confirmed, or an awaitable confirmation (aiokafka's future).
Publish = Callable[[str, bytes, bytes, dict[str, str]], Awaitable[Awaitable | None]]
# Other housekeeping run with the outbox's retention purge, in its transaction: (session, now).
Purge = Callable[[AsyncSession, datetime], Awaitable[None]]
LEASE_NAME = "outbox"

# Refusals that sending the same record again cannot cure: the record itself (size, format)
# or its topic (invalid, absent after the producer's own retries, not ours to write) is wrong.
# Everything else (timeouts, connection loss, leader moves) is the broker being unavailable,
# which waiting cures.
REFUSALS: tuple[type[BaseException], ...] = (
    kafka_errors.MessageSizeTooLargeError,
    kafka_errors.RecordTooLargeError,
    kafka_errors.RecordListTooLargeError,
    kafka_errors.CorruptRecordException,
    kafka_errors.InvalidTimestampError,
    kafka_errors.InvalidTopicError,
    kafka_errors.UnknownTopicOrPartitionError,
    kafka_errors.TopicAuthorizationFailedError,
    kafka_errors.PolicyViolationError,
    kafka_errors.UnsupportedForMessageFormatError,
)
# Refusals of a whole topic: the batch's later rows for that topic are parked without trying,
# instead of each waiting out the producer's metadata timeout.
TOPIC_REFUSALS = (
    kafka_errors.InvalidTopicError,
    kafka_errors.UnknownTopicOrPartitionError,
    kafka_errors.TopicAuthorizationFailedError,
)
MAX_REASON = 2000


def _now() -> datetime:
    return datetime.now(UTC)


def is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, REFUSALS)


def _reason(exc: BaseException) -> str:
    return describe(exc)[:MAX_REASON]


def queued_rows(limit: int):
    """The relay's next batch: rows neither sent nor parked, in id order (served by the partial
    index ix_outbox_queued, which holds exactly those rows, and the entries of rows sent since
    the table's last VACUUM: see OutboxRelay._vacuum_if_due)."""
    return (
        select(outbox.c.id, outbox.c.topic, outbox.c.record_key, outbox.c.headers, outbox.c.payload)
        .where(outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None))
        .order_by(outbox.c.id)
        .limit(limit)
    )


# VACUUM the outbox after this many rows were marked sent (PostgreSQL; see OutboxRelay._vacuum_if_due).
VACUUM_EVERY = 50_000


class LeaseLost(Exception):
    """Another relay holds the lease now: this one stops and marks nothing more."""


@dataclass(frozen=True)
class _Parked:
    row_id: int
    topic: str
    error: str
    reason: str


@dataclass
class _Batch:
    """One batch's acknowledgements as they arrive, waiting to be written in bulk."""

    acknowledged: list[int] = field(default_factory=list)
    parked: list["_Parked"] = field(default_factory=list)
    outstanding: int = 0
    failure: BaseException | None = None  # the first retriable failure: the batch stops there
    handed_over: bool = False  # no more records will be handed to the producer
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    marked: int = 0

    def settle(self, row_id: int, topic: str, confirmation: asyncio.Future) -> None:
        self.outstanding -= 1
        exc = confirmation.exception() if not confirmation.cancelled() else asyncio.CancelledError()
        if exc is None:
            self.acknowledged.append(row_id)
        elif is_refusal(exc):
            self.park(row_id, topic, exc)
        else:
            self.fail(exc)
        self.arrived.set()

    def park(self, row_id: int, topic: str, exc: BaseException) -> None:
        self.parked.append(_Parked(row_id, topic, type(exc).__name__, _reason(exc)))
        self.arrived.set()

    def fail(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc
        self.arrived.set()

    def take(self) -> tuple[list[int], list["_Parked"]]:
        acknowledged, parked = self.acknowledged, self.parked
        self.acknowledged, self.parked = [], []
        return acknowledged, parked

    @property
    def settled(self) -> bool:
        return self.handed_over and self.outstanding == 0 and not self.acknowledged and not self.parked


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker,
        publish: Publish,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 1000,
        lease_seconds: float = 10.0,
        retention: timedelta = timedelta(days=7),
        linger_seconds: float = 0.01,
        max_backoff_seconds: float = 5.0,
        purges: Sequence[Purge] = (),
        vacuum_every: int = VACUUM_EVERY,
    ):
        self._sessions = sessions
        self._publish = publish
        self._poll = poll_seconds
        self._batch = batch_size
        self._lease = timedelta(seconds=lease_seconds)
        self._retention = retention
        self._linger = linger_seconds
        self._max_backoff = max_backoff_seconds
        self._purges = tuple(purges)
        self.owner = f"relay-{uuid.uuid4()}"
        self._wake = asyncio.Event()
        self._stopping = False
        self.holds_lease = False
        self._renewed_at: float | None = None  # time.monotonic() of this relay's last renewal
        self._last_purge = _now()
        self._vacuum_every = vacuum_every
        self._marked_since_vacuum = 0
        self._vacuum: asyncio.Task | None = None

    def wake(self) -> None:
        """Called after a commit that queued events, so they leave without waiting for the poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            if self._vacuum is not None and not self._vacuum.done():
                self._vacuum.cancel()
                await asyncio.gather(self._vacuum, return_exceptions=True)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            try:
                sent = await self.relay_once()
                await self._purge_if_due()
                self._vacuum_if_due()
                failures = 0
            except Exception as exc:
                failures += 1
                OUTBOX_PUBLISH_FAILURES.labels(type(exc).__name__).inc()
                log.warning("outbox relay stopped at a failure; retrying", error=describe(exc), attempt=failures)
                # Not woken by commits: under load they come every few milliseconds.
                await asyncio.sleep(min(self._poll * 2 ** (failures - 1), self._max_backoff))
                continue
            if sent >= self._batch:
                continue  # a full batch: more are waiting
            if not self.holds_lease:
                # Another replica publishes: check the lease at the poll pace, not at every commit.
                await asyncio.sleep(self._poll)
                continue
            if not self._wake.is_set():
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll)
                except TimeoutError:
                    continue
            # Woken by a commit: let the requests in flight commit too, so one batch carries
            # them all instead of one tiny batch per request.
            await asyncio.sleep(self._linger)

    async def relay_once(self) -> int:
        """Publish one batch in id order; returns how many rows were acknowledged and marked
        sent. A retriable failure is raised once the rows acknowledged before it are marked."""
        self.holds_lease = await self._hold_lease()
        if not self.holds_lease:
            return 0
        rows = await self._queued_rows()
        if not rows:
            return 0
        batch = _Batch()
        recorder = asyncio.create_task(self._record_as_acknowledged(batch))
        try:
            await self._hand_over(rows, batch, recorder)
            await recorder
        except LeaseLost:
            self.holds_lease = False
            log.warning("relay lease lost mid-batch; stopping", marked=batch.marked)
        finally:
            batch.handed_over = True
            if not recorder.done():
                recorder.cancel()
                await asyncio.gather(recorder, return_exceptions=True)
        if batch.failure is not None:
            raise batch.failure
        return batch.marked

    async def _queued_rows(self):
        # One statement alone: read outside a transaction (no BEGIN and ROLLBACK round trips).
        async with self._sessions() as session:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return (await session.execute(queued_rows(self._batch))).all()

    async def _hand_over(self, rows, batch: _Batch, recorder: asyncio.Task) -> None:
        """Give the rows to the producer in id order without awaiting each acknowledgement; the
        producer keeps one request per partition in flight, so a key's records stay in order."""
        refused_topics: dict[str, BaseException] = {}
        try:
            for row in rows:
                if batch.failure is not None or recorder.done() or self._stopping:
                    break
                if row.topic in refused_topics:
                    batch.park(row.id, row.topic, refused_topics[row.topic])
                    continue
                try:
                    confirmation = await self._publish(
                        row.topic, row.record_key.encode(), row.payload.encode(), dict(row.headers)
                    )
                except Exception as exc:
                    if not is_refusal(exc):
                        batch.fail(exc)
                        break
                    if isinstance(exc, TOPIC_REFUSALS):
                        refused_topics[row.topic] = exc
                    batch.park(row.id, row.topic, exc)
                    continue
                if confirmation is None:
                    batch.acknowledged.append(row.id)
                    batch.arrived.set()
                    continue
                batch.outstanding += 1
                future = asyncio.ensure_future(confirmation)
                future.add_done_callback(lambda f, row_id=row.id, topic=row.topic: batch.settle(row_id, topic, f))
        finally:
            batch.handed_over = True
            batch.arrived.set()

    async def _record_as_acknowledged(self, batch: _Batch) -> None:
        """Write acknowledgements and refusals as they arrive; each statement carries whatever
        arrived while the previous one ran. A slow broker only makes this wait longer: nothing
        acknowledged is discarded. Returns once every handed-over record is settled, or once the
        batch failed and the records still in flight are settled (or, if the relay is stopping,
        after a grace period, leaving them to be sent again)."""
        renew_every = self._lease.total_seconds() / 3
        stop_grace_until: float | None = None
        while True:
            try:
                await asyncio.wait_for(batch.arrived.wait(), renew_every)
            except TimeoutError:
                pass  # nothing arrived: still renew the lease below
            batch.arrived.clear()
            acknowledged, parked = batch.take()
            await self._record(acknowledged, parked)
            batch.marked += len(acknowledged)
            if batch.settled:
                return
            if self._stopping:
                stop_grace_until = stop_grace_until or time.monotonic() + renew_every
                if time.monotonic() > stop_grace_until:
                    return

    async def _record(self, acknowledged: list[int], parked: list[_Parked]) -> None:
        """One transaction: renew the lease, then mark and park. The lease row stays locked until
        commit, so no other relay can take the lease between the check and the marks."""
        now, started = _now(), time.monotonic()
        async with self._sessions() as session, session.begin():
            renewed = await session.execute(
                update(relay_lease)
                .where(relay_lease.c.name == LEASE_NAME, relay_lease.c.owner == self.owner)
                .values(expires_at=now + self._lease)
            )
            if renewed.rowcount != 1:
                self._renewed_at = None
                raise LeaseLost()
            if acknowledged:
                await session.execute(update(outbox).where(outbox.c.id.in_(acknowledged)).values(published_at=now))
            if parked:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id == bindparam("row_id"))
                    .values(parked_at=bindparam("at"), parked_reason=bindparam("reason")),
                    [{"row_id": p.row_id, "at": now, "reason": p.reason} for p in parked],
                )
        self._renewed_at = started  # committed: renewed as of the transaction's start
        self._marked_since_vacuum += len(acknowledged) + len(parked)
        OUTBOX_PUBLISHED.inc(len(acknowledged))
        for p in parked:
            OUTBOX_PARKED.labels(p.topic, p.error).inc()
            log.error(
                "outbox row parked: the broker refused it", outbox_id=p.row_id, topic=p.topic, reason=p.reason[:300]
            )

    async def _hold_lease(self) -> bool:
        """Whether this relay holds the lease, claiming or renewing it. A lease this relay renewed
        less than a third of its length ago is still its own (another relay only takes an expired
        one), so under load, when rounds follow each other, a round does not renew it again: the
        marking transactions renew it as they go."""
        fresh = self._renewed_at is not None and time.monotonic() - self._renewed_at < self._lease.total_seconds() / 3
        return True if fresh and self.holds_lease else await self._claim_lease()

    async def _claim_lease(self) -> bool:
        now, started = _now(), time.monotonic()
        self._renewed_at = None
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(relay_lease)
                .where(relay_lease.c.name == LEASE_NAME)
                .where(or_(relay_lease.c.owner == self.owner, relay_lease.c.expires_at < now))
                .values(owner=self.owner, expires_at=now + self._lease)
            )
            if result.rowcount == 1:
                self._renewed_at = started
                return True
            exists = await session.scalar(select(relay_lease.c.name).where(relay_lease.c.name == LEASE_NAME))
        if exists:
            return False
        try:
            async with self._sessions() as session, session.begin():
                await session.execute(
                    insert(relay_lease).values(name=LEASE_NAME, owner=self.owner, expires_at=now + self._lease)
                )
            self._renewed_at = started
            return True
        except IntegrityError:
            return False

    async def release(self) -> None:
        """Give the lease up on a clean stop so another replica need not wait for expiry."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(relay_lease).where(relay_lease.c.name == LEASE_NAME, relay_lease.c.owner == self.owner)
            )

    def _vacuum_if_due(self) -> None:
        """Start a VACUUM of the outbox every ``vacuum_every`` rows marked sent, on PostgreSQL.

        A row marked sent leaves its entry in the relay's index (ix_outbox_queued) until the
        table is vacuumed, and each read of the queue walks those entries from the first id.
        Autovacuum comes at a fifth of the table by default (a table that keeps a week of rows)
        and may be off: at 420,000 rows sent and none vacuumed a read took 3.7 ms and 771
        buffers, paid by every round. It runs beside the relay, never blocking it: SKIP_LOCKED
        passes when another VACUUM (autovacuum's) holds the table; a failure is logged and the
        next one tried after as many rows again."""
        if self._marked_since_vacuum < self._vacuum_every or (self._vacuum and not self._vacuum.done()):
            return
        self._marked_since_vacuum = 0
        self._vacuum = asyncio.create_task(self._vacuum_outbox())

    async def _vacuum_outbox(self) -> None:
        try:
            async with self._sessions() as session:
                connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                if connection.dialect.name != "postgresql":
                    return
                await connection.exec_driver_sql("VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON) outbox")
        except Exception as exc:
            log.warning("outbox VACUUM failed; the relay goes on", error=describe(exc))

    async def _purge_if_due(self) -> None:
        if _now() - self._last_purge < timedelta(minutes=10):
            return
        self._last_purge = now = _now()
        async with self._sessions() as session, session.begin():
            await session.execute(
                delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < now - self._retention)
            )
            for purge in self._purges:
                await purge(session, now)


async def replay_since(sessions: async_sessionmaker, since: datetime) -> int:
    """Mark rows created since ``since`` unpublished again, e.g. after the broker lost its topics.
    Parked rows stay parked: the broker would refuse them again."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(outbox).where(outbox.c.created_at >= since, outbox.c.parked_at.is_(None)).values(published_at=None)
        )
    return result.rowcount


async def pending_count(sessions: async_sessionmaker) -> int:
    """Rows waiting to be sent (parked rows wait for an operator, not for the relay)."""
    async with sessions() as session:
        return await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None))
        )


@dataclass(frozen=True)
class Backlog:
    """The outbox as an operator sees it: what waits, since when, what is parked, who relays."""

    queued: int
    oldest_queued_at: datetime | None
    parked: int
    lease_holder: str | None  # the owner of an unexpired lease

    def oldest_age_seconds(self, now: datetime) -> float:
        return (now - self.oldest_queued_at).total_seconds() if self.oldest_queued_at else 0.0


async def backlog(sessions: async_sessionmaker) -> Backlog:
    """One statement, each part served by a partial index (ix_outbox_queued, ix_outbox_parked),
    so it costs what the backlog costs, not what the kept published rows do. The oldest row is
    the head of the relay's queue (lowest id): the row everything else waits behind."""
    queued = outbox.c.published_at.is_(None) & outbox.c.parked_at.is_(None)
    head = select(outbox.c.created_at).where(queued).order_by(outbox.c.id).limit(1)
    holder = select(relay_lease.c.owner).where(relay_lease.c.name == LEASE_NAME, relay_lease.c.expires_at > _now())
    query = select(
        select(func.count()).select_from(outbox).where(queued).scalar_subquery().label("queued"),
        head.scalar_subquery().label("oldest"),
        select(func.count())
        .select_from(outbox)
        .where(outbox.c.parked_at.is_not(None))
        .scalar_subquery()
        .label("parked"),
        holder.scalar_subquery().label("holder"),
    )
    async with sessions() as session:
        row = (await session.execute(query)).one()
    return Backlog(row.queued, row.oldest, row.parked, row.holder)


@dataclass(frozen=True)
class ParkedRow:
    id: int
    event_id: str
    event_type: str
    topic: str
    record_key: str
    agency: str | None
    created_at: datetime
    parked_at: datetime
    reason: str
    payload_bytes: int


async def parked_rows(sessions: async_sessionmaker, *, agency: str | None = None, limit: int = 100) -> list[ParkedRow]:
    """The parked rows, oldest first; only one agency's when ``agency`` is given. Filtered and
    limited in the database, payloads measured there, never loaded."""
    async with sessions() as session:
        postgres = session.bind.dialect.name == "postgresql"
        size = func.octet_length(outbox.c.payload) if postgres else func.length(cast(outbox.c.payload, LargeBinary))
        row_agency = outbox.c.headers["ce_agency"].as_string()
        query = (
            select(
                outbox.c.id,
                outbox.c.event_id,
                outbox.c.event_type,
                outbox.c.topic,
                outbox.c.record_key,
                row_agency.label("agency"),
                outbox.c.created_at,
                outbox.c.parked_at,
                outbox.c.parked_reason,
                size.label("payload_bytes"),
            )
            .where(outbox.c.parked_at.is_not(None))
            .order_by(outbox.c.parked_at, outbox.c.id)
            .limit(limit)
        )
        if agency is not None:
            query = query.where(row_agency == agency)
        rows = (await session.execute(query)).all()
    return [
        ParkedRow(
            r.id,
            r.event_id,
            r.event_type,
            r.topic,
            r.record_key,
            r.agency,
            r.created_at,
            r.parked_at,
            r.parked_reason or "",
            int(r.payload_bytes or 0),
        )
        for r in rows
    ]


async def requeue_parked(sessions: async_sessionmaker, event_id: str, *, agency: str | None = None) -> bool:
    """Queue a parked row again (after its cause was fixed, e.g. the topic created or the broker's
    limit raised). It takes its place in id order again, so it goes out next; later rows of its
    key went out meanwhile (see the ADR). False if there is no such parked row."""
    async with sessions() as session, session.begin():
        row = (
            await session.execute(
                select(outbox.c.id, outbox.c.headers).where(
                    outbox.c.event_id == event_id, outbox.c.parked_at.is_not(None)
                )
            )
        ).first()
        if row is None or (agency is not None and (row.headers or {}).get("ce_agency") != agency):
            return False
        await session.execute(update(outbox).where(outbox.c.id == row.id).values(parked_at=None, parked_reason=None))
    return True


async def requeue_all_parked(sessions: async_sessionmaker) -> int:
    """Queue every parked row again (see :func:`requeue_parked`); returns how many."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(outbox).where(outbox.c.parked_at.is_not(None)).values(parked_at=None, parked_reason=None)
        )
    return result.rowcount
