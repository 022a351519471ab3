"""Plain aiokafka views of the broker: a consumer group's committed offsets against the topics'
ends (the lag a replaying service works down), and the raw consume rate of a topic."""

import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from kinerja_runtime.log_end import log_ends


async def committed_offsets(bootstrap: str, group: str, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The group's committed offset of each of ``partitions`` that it has committed on.

    The partitions are named: the embedded broker drops the connection when asked for all."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in found.items() if meta is not None and meta.offset >= 0}


async def topic_bounds(bootstrap: str, topics: list[str]) -> dict[TopicPartition, tuple[int, int]]:
    """(first offset, end offset) of every partition of ``topics``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # loads the metadata partitions_for_topic reads
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return {}
        begins = await consumer.beginning_offsets(partitions)
        ends = await log_ends(consumer, partitions)
    finally:
        await consumer.stop()
    return {tp: (begins[tp], ends[tp]) for tp in partitions}


async def raw_consume_rate(bootstrap: str, topic: str) -> dict:
    """Every record of ``topic`` from the beginning with a bare AIOKafkaConsumer (no group, no
    decoding, no database): the most a consumer on this broker could read."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        await consumer.topics()  # loads the metadata partitions_for_topic reads
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        ends = await log_ends(consumer, partitions)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        wanted = {tp: end for tp, end in ends.items() if end > 0}
        messages, started = 0, time.perf_counter()
        while wanted:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for tp, records in batch.items():
                messages += len(records)
                if records and records[-1].offset + 1 >= wanted.get(tp, 0):
                    wanted.pop(tp, None)
            if not batch and time.perf_counter() - started > 60:
                break
        seconds = time.perf_counter() - started
    finally:
        await consumer.stop()
    return {
        "topic": topic,
        "messages": messages,
        "seconds": round(seconds, 3),
        "per_second": round(messages / seconds, 1) if seconds > 0 and messages else None,
    }
