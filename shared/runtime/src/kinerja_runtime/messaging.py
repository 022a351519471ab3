"""Broker set-up and the set-based event consumer: inbox, retries with backoff, dead-letter topic.

A service registers handlers per event class; the topic comes from the class. A batch of
records costs a constant number of database round trips: the inbox claims the whole batch's
event ids in one statement, and each handler receives every newly claimed event of its type
at once (see :func:`layers` for how per-key order is kept). Offsets are committed only after
the effects (or the dead-letter records) are durable.
"""

import asyncio
import contextlib
import ssl
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from kinerja_contracts import CloudEventAttributes, Event, EventTooLarge, decode
from kinerja_contracts.catalogue import DEAD_LETTER, EVENT_TYPES
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from kinerja_runtime import context, inbox, telemetry
from kinerja_runtime.db import Executor
from kinerja_runtime.log_end import known_end
from kinerja_runtime.logging import get_logger
from kinerja_runtime.metrics import (
    DEAD_LETTER_REASONS,
    DEAD_LETTERED,
    EVENT_AGE,
    EVENTS_CONSUMED,
    HANDLER_DURATION,
    PartitionLag,
    observe_many,
)
from kinerja_runtime.redaction import SafeMessage, describe
from kinerja_runtime.refusals import TooLarge
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)

E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Envelope:
    """Where an event came from: its CloudEvents attributes and its place in the log."""

    attributes: CloudEventAttributes
    topic: str
    partition: int
    offset: int
    key: str | None


@dataclass(frozen=True)
class Delivered(Generic[E]):
    """One decoded event of a batch, with where it came from."""

    event: E
    envelope: Envelope

    @property
    def event_id(self) -> str:
        return self.envelope.attributes.id

    @contextlib.contextmanager
    def causing(self) -> Iterator[None]:
        """Events published inside this block carry this event's correlation id and name it
        as their cause (and, traced, continue its trace)."""
        attributes = self.envelope.attributes
        outer = context.correlation_id(), context.causation_id()
        context.begin(attributes.correlation_id or attributes.id, causation_id=attributes.id)
        try:
            with telemetry.in_span_of(attributes.id):
                yield
        finally:
            context.begin(outer[0], causation_id=outer[1])


BatchHandler = Callable[[Sequence[Delivered], UnitOfWork], Awaitable[None]]
"""Receives every newly claimed event of one type in a batch, in per-key order."""

Claim = Callable[[Executor, str, Sequence[tuple[str, str]]], Awaitable[set[str]]]
"""Which of a batch's ``(event_id, event_type)`` to apply, in the batch's transaction:
:func:`kinerja_runtime.inbox.claim` (those not applied before) unless told otherwise."""


@dataclass(frozen=True)
class _Record:
    """A parsed record, ready to apply."""

    raw: object
    headers: dict[str, str]
    delivered: Delivered

    @property
    def event_type(self) -> str:
        return self.delivered.envelope.attributes.type

    @property
    def order_key(self) -> tuple[str, str | None]:
        return self.delivered.envelope.topic, self.delivered.envelope.key


MAX_OUTAGE_BACKOFF = 30.0


def is_outage(exc: BaseException) -> bool:
    """Errors that say the database or the network is unavailable, as opposed to the event
    or the handler being wrong."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError) and _is_sqlite_error(exc):
        # SQLite reports wrong SQL as OperationalError too; only a busy or unreachable file is an outage.
        return any(word in str(exc.orig).lower() for word in _SQLITE_OUTAGES)
    return isinstance(exc, OperationalError | InterfaceError | DisconnectionError | ConnectionError | TimeoutError)


_SQLITE_OUTAGES = ("locked", "busy", "disk i/o", "unable to open")


def _is_sqlite_error(exc: DBAPIError) -> bool:
    return type(exc.orig).__module__.startswith("sqlite3")


class PoisonEvent(SafeMessage):
    """An event that can never be applied (bad headers or schema); it goes straight to dead letter.
    Its message is built from :func:`describe`, so it holds no value of the event; ``reason`` is
    one of the classes of :data:`~kinerja_runtime.metrics.DEAD_LETTER_REASONS`."""

    def __init__(self, message: str, reason: str = "schema_error"):
        super().__init__(message)
        self.reason = reason


def dead_letter_reason(exc: BaseException) -> str:
    """The class of why an event is dead-lettered: a bounded metric label, never the message."""
    if isinstance(exc, PoisonEvent):
        return exc.reason
    if isinstance(exc, TooLarge | EventTooLarge):
        return "too_large"
    return "handler_error"


def _decode_failure(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and any(e["type"] == "json_invalid" for e in exc.errors()):
        return "decode_error"
    return "schema_error"


_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def broker_security(settings: ServiceSettings) -> BaseSecurity | None:
    """How to authenticate to the broker and encrypt the connection, from the settings:
    ``None`` (plaintext, the embedded broker), TLS only, or SASL (the deploy manifests: SCRAM-SHA-512
    over TLS with the service's KafkaUser, whose ACLs say which topics it may read and write)."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    tls = protocol in ("SSL", "SASL_SSL")
    context = ssl.create_default_context(cafile=settings.kafka_ssl_ca_file or None) if tls else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    return _SASL[settings.kafka_sasl_mechanism](
        settings.kafka_sasl_username,
        settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context,
        use_ssl=tls,
    )


def create_broker(
    bootstrap_servers: str,
    client_id: str,
    *,
    security: BaseSecurity | None = None,
    acks: str = "all",
    idempotent: bool = False,
    linger_ms: int = 10,
    max_batch_bytes: int = 256 * 1024,
    max_request_bytes: int = 1024 * 1024,
    request_timeout_ms: int = 40_000,
    middlewares: Sequence = (),
) -> KafkaBroker:
    """The service's broker connection. The producer gathers records for ``linger_ms`` into
    requests of up to ``max_batch_bytes`` per partition, and keeps one request per partition in
    flight, so records of one key are acknowledged in the order they were handed over.
    Idempotence needs a broker that grants producer ids (Apache Kafka does; Tansu does not).
    ``security`` (see :func:`broker_security`) applies to the consumer and to the producer, which
    the outbox relay and the dead-letter records go through. ``middlewares``: the tracing's
    (kinerja_runtime.telemetry), none when it is off."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        security=security,
        acks=int(acks) if acks.lstrip("-").isdigit() else acks,
        enable_idempotence=idempotent,
        linger_ms=linger_ms,
        max_batch_size=max_batch_bytes,
        max_request_size=max_request_bytes,
        request_timeout_ms=request_timeout_ms,
        logger=None,
        middlewares=tuple(middlewares),
    )


def broker_publisher(broker: KafkaBroker):
    async def publish(topic: str, key: bytes, payload: bytes, headers: dict[str, str]):
        # FastStream adds a correlation_id header of its own; make it ours so copies are identical.
        return await broker.publish(
            payload, topic, key=key, headers=headers, correlation_id=headers.get("ce_correlationid"), no_confirm=True
        )

    return publish


async def _raw_body(msg) -> bytes:
    """Hand the record's bytes to our own decoding, so a body that is not JSON is dead-lettered
    with its reason instead of failing inside FastStream before the handler runs."""
    return msg.body


def _headers_of(raw) -> dict[str, str]:
    return {k: (v.decode(errors="replace") if isinstance(v, bytes) else v) for k, v in (raw.headers or [])}


def layers(records: Sequence[_Record]) -> list[list[_Record]]:
    """Split a batch into layers that can each be applied type by type without breaking
    per-key order.

    An event joins the layer of the previous event with its key when both have the same type,
    else the next one; so a key's events run in offset order, and a run of same-typed events
    (an employee's realisations) stays in one handler call. Events of different keys are
    independent, as Kafka orders only per key.
    """
    last: dict[tuple[str, str | None], tuple[int, str]] = {}
    out: list[list[_Record]] = []
    for record in records:
        previous = last.get(record.order_key)
        if previous is None:
            layer = 0
        else:
            layer = previous[0] if previous[1] == record.event_type else previous[0] + 1
        last[record.order_key] = (layer, record.event_type)
        while len(out) <= layer:
            out.append([])
        out[layer].append(record)
    return out


class EventConsumer:
    """A service's one consumer group: every topic it reads, one FastStream subscriber.

    One group per service (not per topic) because each group join costs the broker's
    rebalance delay at start-up; per-key order holds either way, as order is per partition.
    """

    def __init__(
        self,
        broker: KafkaBroker,
        uows: UnitOfWorkFactory,
        service: str,
        *,
        group_id: str | None = None,
        max_attempts: int = 4,
        backoff_seconds: float = 0.2,
        batch_size: int = 500,
        claim: Claim = inbox.claim,
        tracing: telemetry.Off = telemetry.OFF,
    ):
        self.broker = broker
        self.tracing = tracing
        self.uows = uows
        self.service = service
        self.group_id = group_id or service
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.batch_size = batch_size
        self._claim = claim
        self._handlers: dict[str, list[BatchHandler]] = {}
        self._topics: dict[str, set[str]] = {}
        self._projections: list[tuple[type[Event], BatchHandler]] = []
        self._subscriber = None
        for reason in DEAD_LETTER_REASONS:
            # Every series exists from the start at 0, so an alert on its increase sees the first one.
            DEAD_LETTERED.labels(service, reason)

    def handle(
        self, event_class: type[E], handler: Callable[[Sequence[Delivered[E]], UnitOfWork], Awaitable[None]]
    ) -> None:
        """Register ``handler`` for every event of ``event_class``; several handlers of one class
        run in the order they were registered, in the same transaction."""
        self._handlers.setdefault(event_class.event_type, []).append(handler)
        self._topics.setdefault(event_class.topic, set()).add(event_class.event_type)

    def project(
        self, event_class: type[E], handler: Callable[[Sequence[Delivered[E]], UnitOfWork], Awaitable[None]]
    ) -> None:
        """Register a projection: a handler that only keeps this service's copy of what another
        service published, publishing nothing and setting nothing else in motion, so that it can
        be applied again from the topics (``kinerja-admin projections rebuild``). It runs like
        any handler (:meth:`handle`), in registration order with the others of its class."""
        self.handle(event_class, handler)
        self._projections.append((event_class, handler))

    def projections(self) -> list[tuple[type[Event], BatchHandler]]:
        """The projection handlers, in the order they were registered."""
        return list(self._projections)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self._topics)

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types with a handler (the service's AsyncAPI document lists them as received)."""
        return tuple(self._handlers)

    def bind(self) -> None:
        if not self._handlers:
            return

        self._subscriber = subscriber = self.broker.subscriber(
            *self._topics,
            group_id=self.group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            batch=True,
            max_records=self.batch_size,
            decoder=_raw_body,
            title=f"{self.service}",
            description=f"{self.service} consumes {', '.join(sorted(self._handlers))}",
        )

        @subscriber
        async def on_batch(msg: KafkaMessage) -> None:
            records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
            try:
                await self.consume(records)
            except Exception:
                # Some events may be applied already: rewind to the batch's start and take it
                # again (the inbox skips what was applied) rather than commit past the rest.
                log.exception("unexpected consumer failure; the batch will be redelivered")
                await msg.nack()
                await asyncio.sleep(self.backoff)
                return
            await msg.ack()

    async def consume(self, raw_records: Sequence) -> int:
        """Apply one batch of broker records: poison to the dead-letter topic, the rest applied
        in one transaction, or split until the failing event is isolated. Returns how many
        events were applied."""
        started = time.perf_counter()
        context.begin()
        records = [r for r in [await self._parse(raw) for raw in raw_records] if r is not None]
        if not records:
            return 0
        applied, duplicates, dead = await self._apply_or_split(records)
        log.info(
            "batch consumed",
            records=len(raw_records),
            applied=applied,
            duplicates=duplicates,
            dead_lettered=dead,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return applied

    async def _parse(self, raw) -> "_Record | None":
        """Parse one record; poison goes to the dead-letter topic, unneeded types are skipped."""
        headers = _headers_of(raw)
        try:
            attributes = CloudEventAttributes.from_headers(headers)
            if attributes.type not in self._handlers:
                if attributes.type not in EVENT_TYPES:
                    raise PoisonEvent(f"unknown event type {attributes.type!r}", "unknown_type")
                return None  # a type this service does not need; the topic carries several
            try:
                event = decode(attributes.type, raw.value or b"")
            except Exception as exc:
                raise PoisonEvent(f"invalid {attributes.type} data: {describe(exc)}", _decode_failure(exc)) from exc
        except PoisonEvent as exc:
            await self._dead_letter(raw, headers, describe(exc), exc.reason)
            return None
        except ValueError as exc:
            await self._dead_letter(raw, headers, describe(exc), "invalid_headers")
            return None
        key = raw.key.decode(errors="replace") if raw.key else None
        envelope = Envelope(attributes, raw.topic, raw.partition, raw.offset, key)
        return _Record(raw, headers, Delivered(event, envelope))

    async def _apply_or_split(self, records: list[_Record]) -> tuple[int, int, int]:
        """Returns (applied, duplicates, dead-lettered). A failed set is halved, each half applied
        in order, so the one bad event ends up alone and the rest keep their guarantees."""
        attempt = failures = 0
        while True:
            attempt += 1
            try:
                applied = await self._apply_once(records)
                return applied, len(records) - applied, 0
            except PoisonEvent as exc:
                if len(records) == 1:
                    await self._dead_letter(records[0].raw, records[0].headers, describe(exc), exc.reason)
                    return 0, 0, 1
                error = exc
            except Exception as exc:
                if is_outage(exc):
                    # The database (or network) is down, not the events at fault: wait it out,
                    # holding the partition, and never dead-letter for it.
                    log.warning("infrastructure unavailable; retrying", attempt=attempt, error=describe(exc))
                    await asyncio.sleep(min(self.backoff * 2 ** min(attempt - 1, 8), MAX_OUTAGE_BACKOFF))
                    continue
                error = exc
            if len(records) > 1:
                log.warning(
                    "batch failed; splitting it to isolate the failing event",
                    events=len(records),
                    error=describe(error),
                )
                middle = len(records) // 2
                first = await self._apply_or_split(records[:middle])
                second = await self._apply_or_split(records[middle:])
                return tuple(a + b for a, b in zip(first, second, strict=True))  # type: ignore[return-value]
            failures += 1
            log.warning(
                "event handling failed",
                attempt=failures,
                error=describe(error),
                event_id=records[0].delivered.event_id,
                event_type=records[0].event_type,
            )
            if failures >= self.max_attempts:
                await self._dead_letter(records[0].raw, records[0].headers, describe(error), dead_letter_reason(error))
                return 0, 0, 1
            await asyncio.sleep(self.backoff * 2 ** (failures - 1))

    async def _apply_once(self, records: list[_Record]) -> int:
        """One transaction: claim the ids in the inbox, apply what was newly claimed, commit."""
        async with self.uows() as uow, contextlib.AsyncExitStack() as spans:
            # The inbox is keyed by the service, not the group, so renaming a group never re-applies events.
            claimed = await self._claim(
                uow.session, self.service, [(r.delivered.event_id, r.event_type) for r in records]
            )
            fresh = _first_claims(records, claimed)
            # Traced: a span per newly claimed event until the commit (kinerja_runtime.telemetry).
            spans.enter_context(self.tracing.applying(self.group_id, fresh))
            for layer in layers(fresh):
                by_type: dict[str, list[Delivered]] = defaultdict(list)
                for record in layer:
                    by_type[record.event_type].append(record.delivered)
                for event_type, batch in by_type.items():
                    started = time.perf_counter()
                    for handler in self._handlers[event_type]:
                        await handler(batch, uow)
                    HANDLER_DURATION.labels(event_type).observe(time.perf_counter() - started)
            await uow.commit()
        _observe_ages(fresh)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        fresh_ids = {id(r) for r in fresh}
        for record in records:
            counts[record.event_type, "applied" if id(record) in fresh_ids else "duplicate"] += 1
            log.debug(
                "event applied" if id(record) in fresh_ids else "duplicate event ignored",
                event_id=record.delivered.event_id,
                event_type=record.event_type,
            )
        for (event_type, outcome), n in counts.items():
            EVENTS_CONSUMED.labels(self.service, event_type, outcome).inc(n)
        return len(fresh)

    async def _dead_letter(self, raw, headers: dict[str, str], reason: str, reason_class: str) -> None:
        """``reason`` comes from :func:`describe`: the error's class and kind, never a value;
        ``reason_class`` is its class for the metric (:func:`dead_letter_reason`)."""
        consumer = self.service
        dead_headers = {
            **{k: v for k, v in headers.items() if k != "correlation_id"},
            "dlq_original_topic": raw.topic,
            "dlq_original_partition": str(raw.partition),
            "dlq_original_offset": str(raw.offset),
            "dlq_consumer": consumer,
            "dlq_error": reason[:2000],
            "dlq_reason": reason_class,
        }
        delay = self.backoff
        while True:
            # The offset is committed only once the dead-letter record is safely stored.
            try:
                await self.broker.publish(raw.value or b"", DEAD_LETTER.name, key=raw.key, headers=dead_headers)
                break
            except Exception as exc:
                log.error("dead-letter publish failed; retrying", error=describe(exc))
                await asyncio.sleep(min(delay, 5.0))
                delay *= 2
        DEAD_LETTERED.labels(consumer, reason_class).inc()
        log.error(
            "event dead-lettered",
            consumer=consumer,
            reason_class=reason_class,
            reason=reason[:300],
            topic=raw.topic,
            partition=raw.partition,
            offset=raw.offset,
        )

    async def lag(self) -> list[PartitionLag]:
        """How far the group is behind on the partitions this replica holds: each log's end minus
        this consumer's position (the batch being applied is past the position, so not counted).

        The end is asked of the broker at each call, not taken from aiokafka's highwater: that is
        only refreshed by fetches, which stop while a batch waits to be applied, so a stuck
        consumer's lag would look frozen. The larger of the two is taken (Tansu lists ends short,
        kinerja_runtime.log_end); if the broker does not answer, the highwater is used."""
        consumer = getattr(self._subscriber, "consumer", None)
        partitions = sorted(consumer.assignment()) if consumer is not None else []
        if not partitions:
            return []
        try:
            ends = await asyncio.wait_for(consumer.end_offsets(partitions), LAG_TIMEOUT)
        except Exception as exc:
            log.warning("log end offsets not read; using the last fetched", error=describe(exc))
            ends = {}
        lags = []
        for tp in partitions:
            end = known_end(ends.get(tp), consumer.highwater(tp))
            if end is not None:
                position = await consumer.position(tp)
                lags.append(PartitionLag(self.group_id, tp.topic, tp.partition, max(end - position, 0)))
        return lags


LAG_TIMEOUT = 2.0


def _observe_ages(applied: Sequence[_Record]) -> None:
    """Event age at apply (now - ce_time), once the effects are committed. Every event's own age,
    not the batch's oldest and newest: the histogram's count stays the events applied and its
    quantiles those of events, whatever the batch size; but added once per event type per batch
    (:func:`observe_many`), not one locked update per event."""
    now = time.time()
    ages: dict[str, list[float]] = defaultdict(list)
    for record in applied:
        # A producer's clock ahead of ours would give a negative age: counted as fresh.
        ages[record.event_type].append(max(now - record.delivered.envelope.attributes.time.timestamp(), 0.0))
    for event_type, amounts in ages.items():
        observe_many(EVENT_AGE.labels(event_type), amounts)


def _first_claims(records: list[_Record], claimed: set[str]) -> list[_Record]:
    """The records whose id this transaction claimed, each id once (a batch may hold a copy)."""
    fresh, seen = [], set()
    for record in records:
        event_id = record.delivered.event_id
        if event_id in claimed and event_id not in seen:
            seen.add(event_id)
            fresh.append(record)
    return fresh
