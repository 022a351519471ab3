"""Where a partition's log ends, even on a broker that answers ListOffsets short.

Tansu 0.6, the embedded development broker, answers ListOffsets "latest" with the base offset
of the partition's last record batch plus one: after the relay sends five records at offsets
5-9 in one batch it says 6, where Kafka says 10 (measured). Its fetch responses carry the right
high watermark. Both are never past the true end, so the end is the larger of the two; on
Kafka they agree and the check costs one fetch.
"""

import time
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition

PROBE_SECONDS = 10.0  # the most a fetch is waited for (a broker answers an empty one in ~0.5 s)


async def log_ends(consumer: AIOKafkaConsumer, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
    """The end offset of each of ``partitions``, probed with ``consumer``: one that reads by
    manual assignment (never ``subscribe``), whose assignment and positions the probe replaces;
    it is left with no partition assigned (the caller assigns what it reads)."""
    partitions = list(partitions)
    if not partitions:
        return {}
    listed = await consumer.end_offsets(partitions)
    consumer.assign(partitions)  # a new assignment: no high watermark known yet
    for tp in partitions:
        consumer.seek(tp, listed[tp])
    deadline = time.monotonic() + PROBE_SECONDS
    while any(consumer.highwater(tp) is None for tp in partitions) and time.monotonic() < deadline:
        await consumer.getmany(*partitions, timeout_ms=100, max_records=1)
    ends = {tp: max(listed[tp], consumer.highwater(tp) or 0) for tp in partitions}
    # Assigned again at once, or stopped, a consumer whose fetches of these partitions are still
    # in flight could hang in aiokafka's stop (seen with a rebuild over empty topics).
    consumer.unsubscribe()
    return ends


def known_end(listed: int | None, highwater: int | None) -> int | None:
    """A running consumer's view of a log's end: the listed end and the high watermark of its
    last fetch, the larger (see above); None if neither is known."""
    known = [end for end in (listed, highwater) if end is not None]
    return max(known) if known else None
