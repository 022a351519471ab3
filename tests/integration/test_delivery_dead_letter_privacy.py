"""A poison event whose handler fails on the database with personal data in the statement's
parameters (an appraiser's NIP and an employee's name) is dead-lettered with a reason that names
the error's class and constraint but no value, and nothing the consumer logs holds any of them
(UU 27/2022; issue 8 item 14). Two failures: a unique violation (PostgreSQL's DETAIL quotes the
key) and a value of the wrong type (asyncpg's message quotes it, hidden parameters or not)."""

import json
import time
import traceback
import uuid

import pytest
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from kinerja_contracts import CloudEventAttributes, EmployeeRegistered, encode
from kinerja_runtime import messaging
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.logging import configure_logging
from kinerja_runtime.messaging import EventConsumer, create_broker
from kinerja_runtime.tables import messaging_metadata
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table, insert

pytestmark = pytest.mark.integration

TOPIC = "kinerja.employees"
DEAD_LETTER = "kinerja.deadletter"
APPRAISER_NIP = "197804052005012003"
NAME = "Siti Rahmawati Nurhaliza"

handler_metadata = MetaData()
appraisers = Table(
    "appraisers",
    handler_metadata,
    Column("nip", String(18)),
    Column("name", String(200)),
    PrimaryKeyConstraint("nip", "name", name="appraisers_pkey"),
)
grades = Table("appraiser_grades", handler_metadata, Column("grade", Integer))


async def insert_twice(batch, uow) -> None:
    rows = [{"nip": d.event.appraiser_nip, "name": d.event.name} for d in batch]
    await uow.session.execute(insert(appraisers), rows + rows)  # the same key twice: IntegrityError


async def insert_a_nip_as_a_number(batch, uow) -> None:
    await uow.session.execute(insert(grades), [{"grade": d.event.appraiser_nip} for d in batch])


FAILURES = {
    "unique violation": (insert_twice, ["IntegrityError", "appraisers_pkey"]),
    "wrong type": (insert_a_nip_as_a_number, ["DBAPIError", "DataError"]),
}


@pytest.fixture
def rendered_logs(monkeypatch):
    """Every log line the consumer writes, as rendered (JSON), exceptions included."""
    saved = structlog.get_config()
    configure_logging("privacy-test", "DEBUG", json=True)
    lines: list[str] = []

    def tap(_logger, _name, line):
        lines.append(line)
        return line

    structlog.get_config()["processors"].append(tap)
    # A fresh logger: the module's own may be cached with an earlier test's configuration.
    monkeypatch.setattr(messaging, "log", structlog.get_logger("kinerja_runtime.messaging"))
    yield lines
    structlog.configure(**saved)


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_a_database_error_with_personal_data_is_dead_lettered_and_logged_without_it(
    failure,
    broker,
    database_url,
    agency,
    new_nip,
    publish_raw,
    read_topic,
    rendered_logs,
):
    apply, reason_names = FAILURES[failure]
    if failure == "wrong type" and not database_url.startswith("postgresql"):
        pytest.skip("SQLite stores a text in an integer column")
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(handler_metadata.create_all)
    raised: list[BaseException] = []

    async def record_appraisers(batch, uow) -> None:
        try:
            await apply(batch, uow)
        except Exception as exc:
            raised.append(exc)
            raise

    kafka = create_broker(broker.bootstrap_servers, "privacy-test")
    await kafka.start()
    try:
        consumer = EventConsumer(
            kafka,
            UnitOfWorkFactory(session_factory(engine), source="/kinerja/test"),
            f"privacy-{uuid.uuid4().hex[:8]}",
            max_attempts=2,
            backoff_seconds=0.01,
        )
        consumer.handle(EmployeeRegistered, record_appraisers)
        subject = new_nip()
        event = EmployeeRegistered(
            agency_id=agency,
            nip=subject,
            name=NAME,
            position="Analis SDM",
            unit="Bidang Kepegawaian",
            appraiser_nip=APPRAISER_NIP,
        )
        headers = CloudEventAttributes.for_event(event, "/kinerja/target-service").to_headers()
        sent = await publish_raw(TOPIC, encode(event), subject, headers)
        await consumer.consume(await _records_at(broker.bootstrap_servers, sent.partition, sent.offset))

        dead = await read_topic(
            DEAD_LETTER,
            until=lambda rs: len(rs) >= 1,
            timeout=30,
            where=lambda r: (
                r.headers.get("dlq_original_topic") == TOPIC
                and r.headers.get("dlq_original_partition") == str(sent.partition)
                and r.headers.get("dlq_original_offset") == str(sent.offset)
            ),
        )
    finally:
        await kafka.stop()
        await engine.dispose()

    assert raised, "the handler met the database error"
    if database_url.startswith("postgresql"):
        # What the test guards against: the database's own error quotes the value.
        assert APPRAISER_NIP in "".join(traceback.format_exception(raised[0]))
    if failure == "unique violation":
        assert APPRAISER_NIP not in str(raised[0]), "the engine hides the statement's parameters"

    [record] = dead
    reason = record.headers["dlq_error"]
    assert all(name in reason for name in reason_names), reason
    added = {k: v for k, v in record.headers.items() if k.startswith("dlq_")}
    for value in added.values():
        assert APPRAISER_NIP not in value and NAME not in value and subject not in value, added
    assert record.headers.get("ce_subject") == subject, "the original headers travel unchanged"

    events = [json.loads(line) for line in rendered_logs]
    assert [e for e in events if e["event"] == "event dead-lettered"], "the consumer's logs were captured"
    failures = [e for e in events if e["event"] == "event handling failed"]
    assert failures and all(reason_names[0] in e["error"] for e in failures), failures
    for line in rendered_logs:
        assert APPRAISER_NIP not in line and NAME not in line and subject not in line, line


async def _records_at(bootstrap: str, partition: int, offset: int) -> list:
    """The raw broker record at ``offset``, as the consumer receives it."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await reader.start()
    try:
        tp = TopicPartition(TOPIC, partition)
        reader.assign([tp])
        reader.seek(tp, offset)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for records in (await reader.getmany(tp, timeout_ms=500)).values():
                found = [r for r in records if r.offset == offset]
                if found:
                    return found
        raise AssertionError(f"record {partition}/{offset} not readable")
    finally:
        await reader.stop()
