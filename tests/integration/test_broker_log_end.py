"""Where a partition's log ends, on the suite's real broker: Tansu lists the end of a log whose
last batch holds several records as that batch's first offset plus one; ``log_ends`` corrects
it from a fetch's high watermark (what a rebuild, a lag and a replay's span rely on)."""

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from kinerja_runtime.log_end import log_ends


async def test_the_end_after_a_batch_of_several_records_is_past_its_last_record(broker):
    topic = f"test.log-end.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 2, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, linger_ms=50)
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap_servers, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        sent = [await producer.send(topic, b"x", partition=0) for _ in range(5)]  # one batch
        await producer.flush()
        assert [(await s).offset for s in sent] == [0, 1, 2, 3, 4]
        held, empty = TopicPartition(topic, 0), TopicPartition(topic, 1)
        if not broker.external:  # Tansu lists the end short: what log_ends corrects
            assert (await consumer.end_offsets([held]))[held] == 1

        assert await log_ends(consumer, [held, empty]) == {held: 5, empty: 0}
        assert consumer.assignment() == set()
    finally:
        await producer.stop()
        await consumer.stop()
