"""The broker as kinerja-admin reads and writes it: plain aiokafka clients with the service's
connection settings (bootstrap servers, TLS, SASL), reading by manual assignment, so no
consumer group is joined and no offset committed. The dead-letter commands may connect as the
operators' broker user instead (:func:`as_operator`)."""

import contextlib
import os
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from faststream.kafka.security import parse_security
from pydantic import SecretStr

from kinerja_runtime.admin.guard import Refused
from kinerja_runtime.log_end import log_ends
from kinerja_runtime.messaging import broker_security
from kinerja_runtime.settings import ServiceSettings

OPERATOR_USERNAME = "KINERJA_ADMIN_KAFKA_SASL_USERNAME"
OPERATOR_PASSWORD = "KINERJA_ADMIN_KAFKA_SASL_PASSWORD"

NOTHING_READ_FOR = 60.0  # seconds without a record while the end is not reached: the broker is stuck


def as_operator(settings: ServiceSettings, environ: Mapping[str, str] = os.environ) -> ServiceSettings:
    """The service's connection settings with the operators' SASL user when the environment names
    one: the dead-letter topic is theirs to read, and a replay writes to other services' topics,
    which the service's own user may not (deploy/kafka/users.yaml, ``kinerja-operator``). Without
    one, the service's own user."""
    username, password = environ.get(OPERATOR_USERNAME, ""), environ.get(OPERATOR_PASSWORD, "")
    if not username and not password:
        return settings
    if not (username and password):
        raise Refused(f"set both {OPERATOR_USERNAME} and {OPERATOR_PASSWORD}, or neither (the service's own user)")
    return settings.model_copy(update={"kafka_sasl_username": username, "kafka_sasl_password": SecretStr(password)})


def client_options(settings: ServiceSettings) -> dict:
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "client_id": f"kinerja-admin-{settings.service_name}",
        **parse_security(broker_security(settings)),
    }


@contextlib.asynccontextmanager
async def reader(settings: ServiceSettings) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        **client_options(settings), group_id=None, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    try:
        await consumer.start()
    except Exception as exc:
        raise Refused(
            f"the broker at {settings.kafka_bootstrap_servers} does not answer ({type(exc).__name__})"
        ) from exc
    try:
        yield consumer
    finally:
        await consumer.stop()


@contextlib.asynccontextmanager
async def writer(settings: ServiceSettings) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(
        **client_options(settings),
        acks=int(settings.kafka_acks) if settings.kafka_acks.lstrip("-").isdigit() else settings.kafka_acks,
        enable_idempotence=settings.kafka_idempotent_producer,
        max_request_size=settings.kafka_max_request_bytes,
        request_timeout_ms=settings.kafka_request_timeout_ms,
    )
    try:
        await producer.start()
    except Exception as exc:
        raise Refused(
            f"the broker at {settings.kafka_bootstrap_servers} does not answer ({type(exc).__name__})"
        ) from exc
    try:
        yield producer
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Span:
    """The records of some topics as they stand when reading starts: from each partition's
    first offset to its end then. Records written after that are not read."""

    start: dict[TopicPartition, int]
    end: dict[TopicPartition, int]

    @property
    def total(self) -> int:
        return sum(self.end[tp] - self.start[tp] for tp in self.end)


async def span(consumer: AIOKafkaConsumer, topics: Sequence[str]) -> Span:
    await consumer.topics()  # fetches the cluster's metadata
    partitions = []
    for topic in topics:
        found = consumer.partitions_for_topic(topic)
        if not found:
            raise Refused(f"the topic {topic} does not exist on the broker: create the catalogue's topics first")
        partitions += [TopicPartition(topic, p) for p in sorted(found)]
    start = await consumer.beginning_offsets(partitions)
    end = await log_ends(consumer, partitions)
    return Span(start, end)


async def read(consumer: AIOKafkaConsumer, span: Span, max_records: int = 500) -> AsyncIterator[list[ConsumerRecord]]:
    """The span's records, in batches; each partition's in offset order."""
    remaining = {tp for tp in span.end if span.end[tp] > span.start[tp]}
    consumer.assign(list(span.end))
    for tp in remaining:
        consumer.seek(tp, span.start[tp])
    last_read = time.monotonic()
    while remaining:
        fetched = await consumer.getmany(*remaining, timeout_ms=500, max_records=max_records)
        batch = [r for tp, records in fetched.items() for r in records if r.offset < span.end[tp]]
        for tp in list(remaining):
            if await consumer.position(tp) >= span.end[tp]:
                remaining.discard(tp)
        if batch:
            last_read = time.monotonic()
            yield batch
        elif time.monotonic() - last_read > NOTHING_READ_FOR:
            tp = sorted(remaining)[0]
            raise Refused(
                f"the broker sent no record for {NOTHING_READ_FOR:.0f} s before the end of {tp.topic}/{tp.partition}"
            )
