"""Broker set-up and the event consumer: inbox, retries with backoff, dead-letter topic.

Every subscriber uses an explicit consumer group and commits its offset only after the
effect (or the dead-letter record) is durable.
"""

import asyncio
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from kinerja_contracts import CloudEventAttributes, Event, decode
from kinerja_contracts.catalogue import DEAD_LETTER, EVENT_TYPES
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from kinerja_runtime import context, inbox
from kinerja_runtime.logging import get_logger
from kinerja_runtime.metrics import DEAD_LETTERED, EVENTS_CONSUMED
from kinerja_runtime.uow import UnitOfWork, UnitOfWorkFactory

log = get_logger(__name__)


@dataclass(frozen=True)
class Envelope:
    """Where an event came from: its CloudEvents attributes and its place in the log."""

    attributes: CloudEventAttributes
    topic: str
    partition: int
    offset: int
    key: str | None


Handler = Callable[[Event, Envelope, UnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class _Delivery:
    """A parsed record, ready to apply."""

    raw: object
    headers: dict[str, str]
    handler: Handler
    event: Event
    envelope: Envelope


MAX_OUTAGE_BACKOFF = 30.0


def is_outage(exc: BaseException) -> bool:
    """Errors that say the database or the network is unavailable, as opposed to the event
    or the handler being wrong."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | DisconnectionError | ConnectionError | TimeoutError)


class PoisonEvent(Exception):
    """An event that can never be applied (bad headers or schema); it goes straight to dead letter."""


def create_broker(
    bootstrap_servers: str,
    client_id: str,
    *,
    acks: str = "all",
    idempotent: bool = False,
    linger_ms: int = 10,
    max_batch_bytes: int = 256 * 1024,
    max_request_bytes: int = 1024 * 1024,
    request_timeout_ms: int = 40_000,
) -> KafkaBroker:
    """The service's broker connection. The producer gathers records for ``linger_ms`` into
    requests of up to ``max_batch_bytes`` per partition, and keeps one request per partition in
    flight, so records of one key are acknowledged in the order they were handed over.
    Idempotence needs a broker that grants producer ids (Apache Kafka does; Tansu does not)."""
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks=int(acks) if acks.lstrip("-").isdigit() else acks,
        enable_idempotence=idempotent,
        linger_ms=linger_ms,
        max_batch_size=max_batch_bytes,
        max_request_size=max_request_bytes,
        request_timeout_ms=request_timeout_ms,
        logger=None,
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


class EventConsumer:
    """A service's one consumer group: every topic it reads, one FastStream subscriber.

    One group per service (not per topic) because each group join costs the broker's
    rebalance delay at start-up; per-key order holds either way, as order is per partition.
    """

    def __init__(self, broker: KafkaBroker, uows: UnitOfWorkFactory, service: str, *, group_id: str | None = None,
                 max_attempts: int = 4, backoff_seconds: float = 0.2, batch_size: int = 200):
        self.broker = broker
        self.uows = uows
        self.service = service
        self.group_id = group_id or service
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.batch_size = batch_size
        self._handlers: dict[str, dict[str, Handler]] = {}

    def subscribe(self, topic: str, handlers: Mapping[type[Event], Handler]) -> None:
        """Declare the event types handled from ``topic``; ``bind()`` registers them all."""
        by_type = self._handlers.setdefault(topic, {})
        by_type.update({cls.event_type: handler for cls, handler in handlers.items()})

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self._handlers)

    def bind(self) -> None:
        if not self._handlers:
            return
        handled = sorted({t for by_type in self._handlers.values() for t in by_type})

        @self.broker.subscriber(
            *self._handlers,
            group_id=self.group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.MANUAL,
            batch=True,
            max_records=self.batch_size,
            decoder=_raw_body,
            title=f"{self.service}",
            description=f"{self.service} consumes {', '.join(handled)}",
        )
        async def on_batch(msg: KafkaMessage) -> None:
            records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
            try:
                await self._consume_batch(records)
            except Exception:
                # Some events may be applied already: rewind to the batch's start and take it
                # again (the inbox skips what was applied) rather than commit past the rest.
                log.exception("unexpected consumer failure; the batch will be redelivered")
                await msg.nack()
                await asyncio.sleep(self.backoff)
                return
            await msg.ack()

    async def _consume_batch(self, records) -> None:
        """One transaction for the whole batch; if any event fails in it, each is applied on
        its own with retries, so one bad event neither blocks nor drags down the others."""
        deliveries = [d for d in [await self._delivery(raw) for raw in records] if d is not None]
        if not deliveries:
            return
        try:
            await self._apply_batch_once(deliveries)
        except Exception as exc:
            log.warning("batch failed; applying its events one by one", events=len(deliveries), error=repr(exc))
            for delivery in deliveries:
                await self._apply_with_retries(delivery)

    async def _delivery(self, raw) -> "_Delivery | None":
        """Parse one record; poison goes to the dead-letter topic, unneeded types are skipped."""
        headers = _headers_of(raw)
        by_type = self._handlers[raw.topic]
        try:
            attributes = CloudEventAttributes.from_headers(headers)
            if attributes.type not in by_type:
                if attributes.type not in EVENT_TYPES:
                    raise PoisonEvent(f"unknown event type {attributes.type!r}")
                return None  # a type this service does not need; the topic carries several
            try:
                event = decode(attributes.type, raw.value or b"")
            except Exception as exc:
                raise PoisonEvent(f"invalid {attributes.type} data: {exc}") from exc
        except (PoisonEvent, ValueError) as exc:
            await self._dead_letter(raw, headers, str(exc))
            return None
        key = raw.key.decode(errors="replace") if raw.key else None
        envelope = Envelope(attributes, raw.topic, raw.partition, raw.offset, key)
        return _Delivery(raw, headers, by_type[attributes.type], event, envelope)

    async def _apply_batch_once(self, deliveries: list["_Delivery"]) -> None:
        outcomes = []
        async with self.uows() as uow:
            for delivery in deliveries:
                outcomes.append(await self._apply_in(uow, delivery))
            await uow.commit()
        for delivery, applied in zip(deliveries, outcomes, strict=True):
            EVENTS_CONSUMED.labels(self.service, delivery.event.event_type, "applied" if applied else "duplicate").inc()

    async def _apply_in(self, uow: UnitOfWork, delivery: "_Delivery") -> bool:
        # The inbox is keyed by the service, not the group, so renaming a group never re-applies events.
        attributes = delivery.envelope.attributes
        context.begin(attributes.correlation_id or attributes.id, causation_id=attributes.id)
        structlog.contextvars.bind_contextvars(event_id=attributes.id, event_type=attributes.type)
        if await inbox.already_processed(uow.session, self.service, attributes.id):
            log.info("duplicate event ignored")
            return False
        await delivery.handler(delivery.event, delivery.envelope, uow)
        await inbox.remember(uow.session, self.service, attributes.id, attributes.type)
        log.info("event applied")
        return True

    async def _apply_with_retries(self, delivery: "_Delivery") -> None:
        attempt = failures = 0
        while True:
            attempt += 1
            try:
                async with self.uows() as uow:
                    applied = await self._apply_in(uow, delivery)
                    await uow.commit()
                outcome = "applied" if applied else "duplicate"
                EVENTS_CONSUMED.labels(self.service, delivery.event.event_type, outcome).inc()
                return
            except PoisonEvent as exc:
                await self._dead_letter(delivery.raw, delivery.headers, str(exc))
                return
            except Exception as exc:
                if is_outage(exc):
                    # The database (or network) is down, not the event at fault: wait it out,
                    # holding the partition, and never dead-letter for it.
                    log.warning("infrastructure unavailable; retrying", attempt=attempt, error=repr(exc))
                    await asyncio.sleep(min(self.backoff * 2 ** min(attempt - 1, 8), MAX_OUTAGE_BACKOFF))
                    continue
                failures += 1
                log.warning("event handling failed", attempt=failures, error=repr(exc))
                if failures >= self.max_attempts:
                    reason = "".join(traceback.format_exception_only(exc)).strip()
                    await self._dead_letter(delivery.raw, delivery.headers, reason)
                    return
                await asyncio.sleep(self.backoff * 2 ** (failures - 1))

    async def _dead_letter(self, raw, headers: dict[str, str], reason: str) -> None:
        consumer = self.service
        dead_headers = {
            **{k: v for k, v in headers.items() if k != "correlation_id"},
            "dlq_original_topic": raw.topic,
            "dlq_original_partition": str(raw.partition),
            "dlq_original_offset": str(raw.offset),
            "dlq_consumer": consumer,
            "dlq_error": reason[:2000],
        }
        delay = self.backoff
        while True:
            # The offset is committed only once the dead-letter record is safely stored.
            try:
                await self.broker.publish(raw.value or b"", DEAD_LETTER.name, key=raw.key, headers=dead_headers)
                break
            except Exception as exc:
                log.error("dead-letter publish failed; retrying", error=repr(exc))
                await asyncio.sleep(min(delay, 5.0))
                delay *= 2
        DEAD_LETTERED.labels(consumer).inc()
        log.error("event dead-lettered", consumer=consumer, reason=reason[:300], topic=raw.topic, partition=raw.partition, offset=raw.offset)
