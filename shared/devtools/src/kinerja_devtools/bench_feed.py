"""Publishes roster events straight to the topic, as target-service's relay would."""

from aiokafka import AIOKafkaProducer
from kinerja_contracts import CloudEventAttributes, EmployeeRegistered, encode

from kinerja_devtools.scenario import make_nip


async def publish_employees(bootstrap: str, agency: str, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5)
    await producer.start()
    try:
        for i in range(count):
            event = EmployeeRegistered(
                agency_id=agency, nip=make_nip(i), name=f"Pegawai {i}", position="Analis", unit="Bidang"
            )
            headers = CloudEventAttributes.for_event(event, "/kinerja/bench").to_kafka_headers()
            await producer.send(event.topic, encode(event), key=event.key().encode(), headers=headers)
        await producer.flush()
    finally:
        await producer.stop()
