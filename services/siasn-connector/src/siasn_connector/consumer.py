"""Reading Kinerja's public topics with a plain aiokafka consumer, as any subscriber would.

Per batch: parse the CloudEvents headers, decode the value with the contract's models (unknown
fields ignored), skip what was applied before (by ``ce_id``), apply the rest in one database
transaction, and only then commit the offsets. A crash before the commit means the batch is
read again, and the ``ce_id`` check makes that harmless; a failed transaction rewinds to the
batch's start and tries again after a pause.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from kinerja_contracts import EVENT_TYPES, CloudEventAttributes, Event, InvalidCloudEvent, decode
from pydantic import ValidationError

from .apply import HANDLED, RECORD_EVENTS, TOPICS, Applier
from .settings import ConnectorSettings
from .store import Store

log = logging.getLogger("siasn_connector.consumer")
RECORD_TYPES = frozenset(cls.event_type for cls in RECORD_EVENTS)


@dataclass(frozen=True)
class Parsed:
    topic: str
    partition: int
    offset: int
    attributes: CloudEventAttributes
    event: Event


def describe_validation(exc: ValidationError) -> str:
    """Which fields failed and how, never the values (they are personal data)."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(value)'}: {e['type']}" for e in exc.errors()[:10]]
    return "invalid data: " + "; ".join(parts)


def make_consumer(settings: ConnectorSettings) -> AIOKafkaConsumer:
    options: dict = {}
    protocol = settings.kafka_security_protocol
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl.create_default_context(cafile=settings.kafka_ssl_ca_file or None)
    if protocol.startswith("SASL"):
        options |= {
            "sasl_mechanism": settings.kafka_sasl_mechanism,
            "sasl_plain_username": settings.kafka_sasl_username,
            "sasl_plain_password": settings.kafka_sasl_password.get_secret_value(),
        }
    return AIOKafkaConsumer(
        *TOPICS,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        security_protocol=protocol,
        group_id=settings.consumer_group,
        client_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **options,
    )


class EventFeed:
    """The consumer loop; ``on_records`` is called when a batch made or changed SIASN records."""

    def __init__(self, settings: ConnectorSettings, store: Store, applier: Applier, on_records: Callable[[], None]):
        self.settings = settings
        self.store = store
        self.applier = applier
        self.on_records = on_records
        self.agencies = settings.agency_filter
        self.consumer: AIOKafkaConsumer | None = None
        self.started = asyncio.Event()
        self._in_flight = 0
        self._beginnings: dict[TopicPartition, int] = {}
        self.applied = 0  # events applied since start (for the report)

    async def run(self) -> None:
        pause = self.settings.siasn_backoff_seconds
        while True:
            consumer = make_consumer(self.settings)
            try:
                await consumer.start()
            except KafkaError as exc:
                log.warning("broker not reached (%s); trying again in %.1f s", type(exc).__name__, pause)
                await _close(consumer)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.settings.siasn_backoff_max_seconds)
                continue
            self.consumer = consumer
            self.started.set()
            pause = self.settings.siasn_backoff_seconds
            try:
                await self._loop(consumer)
            except KafkaError as exc:
                log.warning("consumer failed (%s); starting it again in %.1f s", type(exc).__name__, pause)
            finally:
                self.consumer = None
                await _close(consumer)
            await asyncio.sleep(pause)

    async def _loop(self, consumer: AIOKafkaConsumer) -> None:
        failures = 0
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=self.settings.consumer_batch_size)
            if not batch:
                continue
            self._in_flight = sum(len(records) for records in batch.values())
            try:
                changed = await self._store_batch(batch)
            except Exception as exc:
                failures += 1
                pause = min(self.settings.siasn_backoff_seconds * 2 ** (failures - 1), 30.0)
                log.error("could not store a batch (%s); reading it again in %.1f s", type(exc).__name__, pause)
                for tp, records in batch.items():
                    consumer.seek(tp, records[0].offset)
                self._in_flight = 0
                await asyncio.sleep(pause)
                continue
            failures = 0
            try:
                # Offsets only after the batch is stored: a crash before this line reads it again.
                await consumer.commit({tp: records[-1].offset + 1 for tp, records in batch.items()})
            except (CommitFailedError, KafkaError) as exc:
                log.warning("offset commit failed (%s); the batch may be read again", type(exc).__name__)
            self._in_flight = 0
            if changed:
                self.on_records()

    async def _store_batch(self, batch: dict) -> bool:
        parsed: list[Parsed] = []
        skipped: list[dict] = []
        for records in batch.values():
            for record in records:
                outcome = self._parse(record)
                if isinstance(outcome, Parsed):
                    parsed.append(outcome)
                elif outcome is not None:
                    skipped.append(outcome)
        changed = False
        async with self.store.engine.begin() as conn:
            seen = await self.store.seen(conn, [p.attributes.id for p in parsed])
            fresh: list[Parsed] = []
            for p in parsed:
                if p.attributes.id not in seen:
                    seen.add(p.attributes.id)
                    fresh.append(p)
            # Roster, units, periods and plans first: a record mapped in this batch sees them.
            for p in sorted(fresh, key=lambda p: p.attributes.type in RECORD_TYPES):
                changed |= await self.applier.apply(conn, p.event, p.attributes)
            await self.store.mark_processed(conn, [(p.attributes.id, p.attributes.type) for p in fresh])
            for row in skipped:
                await self.store.skip(conn, **row)
        self.applied += len(fresh)
        return changed

    def _parse(self, record) -> Parsed | dict | None:
        """A record to apply, a skipped record's row (with the reason), or None (not for us)."""
        where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
        if self.agencies is not None:
            agency = _raw_header(record.headers, "ce_agency")
            if agency is not None and agency not in self.agencies:
                return None
        try:
            attributes = CloudEventAttributes.from_headers(record.headers or [])
        except InvalidCloudEvent as exc:
            log.warning("skipping a record without valid CloudEvents headers at %s", where)
            return {**where, "event_id": None, "event_type": None, "reason": f"invalid headers: {exc}"[:1000]}
        if self.agencies is not None and attributes.agency is not None and attributes.agency not in self.agencies:
            return None
        if attributes.type not in HANDLED:
            if attributes.type not in EVENT_TYPES:
                log.info("skipping an event of a type the contract does not define: %s", attributes.type)
            return None
        try:
            event = decode(attributes.type, record.value or b"")
        except ValidationError as exc:
            log.warning("skipping event %s (%s): its data does not match the contract", attributes.id, attributes.type)
            return {
                **where,
                "event_id": attributes.id,
                "event_type": attributes.type,
                "reason": describe_validation(exc)[:1000],
            }
        except ValueError as exc:
            return {**where, "event_id": attributes.id, "event_type": attributes.type, "reason": type(exc).__name__}
        if self.agencies is not None and getattr(event, "agency_id", None) not in self.agencies:
            return None
        return Parsed(record.topic, record.partition, record.offset, attributes, event)

    async def lag(self) -> int | None:
        """Records on the topics not yet stored (None while the consumer has no partitions yet)."""
        consumer = self.consumer
        if consumer is None:
            return None
        assigned = list(consumer.assignment())
        if not assigned:
            return None
        try:
            ends = await consumer.end_offsets(assigned)
            total = self._in_flight
            for tp in assigned:
                try:
                    position = await consumer.position(tp)
                except KafkaError:
                    position = await consumer.committed(tp)
                    if position is None:
                        position = await self._beginning(consumer, tp)
                # The larger of the listed end and the last fetch's high watermark: Tansu, the
                # development broker, lists the end as its last batch's first offset plus one.
                total += max(0, max(ends[tp], consumer.highwater(tp) or 0) - position)
            return total
        except (KafkaError, AssertionError, KeyError):
            return None

    async def _beginning(self, consumer: AIOKafkaConsumer, tp: TopicPartition) -> int:
        if tp not in self._beginnings:
            self._beginnings[tp] = (await consumer.beginning_offsets([tp]))[tp]
        return self._beginnings[tp]


def _raw_header(headers, name: str) -> str | None:
    for key, value in headers or ():
        if key.lower() == name and value is not None:
            return bytes(value).decode("utf-8", errors="replace") if not isinstance(value, str) else value
    return None


async def _close(consumer: AIOKafkaConsumer) -> None:
    try:
        await consumer.stop()
    except Exception:  # pragma: no cover - closing after a failure
        log.debug("consumer stop failed", exc_info=True)
