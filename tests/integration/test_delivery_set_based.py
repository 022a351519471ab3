"""A set-based batch: the EventConsumer, fed one batch of real broker records, applies every
good event exactly once however many copies the batch holds, dead-letters the poison in the
middle (undecodable, or rejected by the handler) with its reason, and costs the database the
same number of statements for 10 events as for 200."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from kinerja_contracts import CloudEventAttributes, EmployeeRegistered, encode
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.messaging import EventConsumer, create_broker
from kinerja_runtime.tables import messaging_metadata
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select

pytestmark = pytest.mark.integration

TOPIC = "kinerja.employees"
DEAD_LETTER = "kinerja.deadletter"
REJECTED = "Ditolak Handler"  # the handler refuses an employee of this name

effects_metadata = MetaData()
# No key on purpose: an event applied twice shows as two rows.
effects = Table(
    "effects",
    effects_metadata,
    Column("event_id", String(36), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("offset", Integer, nullable=False),
)


async def record_effects(batch, uow) -> None:
    """The small set-based handler: one statement for the whole batch."""
    if any(d.event.name == REJECTED for d in batch):
        raise ValueError(f"employee named {REJECTED!r} refused by the handler")
    await uow.session.execute(
        insert(effects), [{"event_id": d.event_id, "nip": d.event.nip, "offset": d.envelope.offset} for d in batch]
    )


@pytest.fixture
async def consumer(broker, database_url):
    """(EventConsumer, sessions, statements): the consumer on this test's database and the
    session broker (for its dead letters); ``statements`` collects every SQL statement sent."""
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    statements: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda _conn, _cursor, statement, *_: statements.append(statement)
    )
    sessions = session_factory(engine)
    kafka = create_broker(broker.bootstrap_servers, "set-based-test")
    await kafka.start()
    service = f"set-based-{uuid.uuid4().hex[:8]}"
    consumer = EventConsumer(
        kafka, UnitOfWorkFactory(sessions, source="/kinerja/test"), service, max_attempts=2, backoff_seconds=0.01
    )
    consumer.handle(EmployeeRegistered, record_effects)
    yield consumer, sessions, statements
    await kafka.stop()
    await engine.dispose()


def nip(i: int) -> str:
    return f"19800101{2000 + i % 25:04d}011{i:03d}"


async def publish_batch(publish_raw, agency: str, size: int, *, copies: int, poison: dict[int, str]):
    """``size`` distinct events on one partition, each of the first ``copies`` published again
    later in the batch, and at the positions in ``poison`` a bad record instead. Returns the
    published (good events by ce_id, poison offsets by kind, all offsets)."""
    good: dict[str, str] = {}
    bad: dict[str, int] = {}
    offsets: list[int] = []
    copied = []
    for i in range(size):
        if i in poison:
            kind = poison[i]
            employee = EmployeeRegistered(
                agency_id=agency,
                nip=nip(i),
                name=REJECTED if kind == "rejected" else "x",
                position="Analis",
                unit="Umum",
            )
            headers = CloudEventAttributes.for_event(employee, "/kinerja/target-service").to_headers()
            value = b"{ not json" if kind == "undecodable" else encode(employee)
            meta = await publish_raw(TOPIC, value, employee.nip, headers, partition=0)
            bad[kind] = meta.offset
            offsets.append(meta.offset)
            continue
        employee = EmployeeRegistered(agency_id=agency, nip=nip(i), name=f"Pegawai {i}", position="Analis", unit="Umum")
        headers = CloudEventAttributes.for_event(employee, "/kinerja/target-service").to_headers()
        meta = await publish_raw(TOPIC, encode(employee), employee.nip, headers, partition=0)
        good[headers["ce_id"]] = employee.nip
        offsets.append(meta.offset)
        if len(copied) < copies:
            copied.append((encode(employee), employee.nip, headers))
    for value, key, headers in copied:  # the copies: a producer retry, a redelivery
        offsets.append((await publish_raw(TOPIC, value, key, headers, partition=0)).offset)
    return good, bad, offsets


async def fetch(bootstrap: str, offsets: list[int]) -> list:
    """The raw broker records at ``offsets`` of partition 0, as the consumer receives them."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await reader.start()
    try:
        tp = TopicPartition(TOPIC, 0)
        reader.assign([tp])
        reader.seek(tp, min(offsets))
        wanted, found = set(offsets), {}
        while len(found) < len(wanted):
            for records in (await reader.getmany(tp, timeout_ms=500)).values():
                found.update({r.offset: r for r in records if r.offset in wanted})
        return [found[o] for o in sorted(found)]
    finally:
        await reader.stop()


async def applied(sessions, event_ids) -> dict[str, int]:
    async with sessions() as session:
        rows = (
            await session.execute(
                select(effects.c.event_id, func.count())
                .where(effects.c.event_id.in_(list(event_ids)))
                .group_by(effects.c.event_id)
            )
        ).all()
    return {event_id: n for event_id, n in rows}


async def test_statements_per_batch_do_not_grow_with_the_batch(consumer, broker, agency, publish_raw):
    consumer, sessions, statements = consumer
    counts = {}
    for size in (10, 200):
        good, _, offsets = await publish_batch(
            publish_raw, f"{agency}-{size}", size, copies=size // 5, poison={size // 2: "undecodable"}
        )
        records = await fetch(broker.bootstrap_servers, offsets)
        before = len(statements)
        await consumer.consume(records)
        counts[size] = len(statements) - before
        assert await applied(sessions, good) == dict.fromkeys(good, 1), "each good event applied exactly once"
    # One inbox claim for the whole batch and one statement from the handler.
    assert counts == {10: 2, 200: 2}, counts


async def test_a_poison_event_in_the_middle_is_isolated_and_the_rest_applied_once(
    consumer,
    broker,
    agency,
    publish_raw,
    read_topic,
):
    consumer, sessions, _ = consumer
    good, bad, offsets = await publish_batch(
        publish_raw, agency, 120, copies=30, poison={50: "undecodable", 70: "rejected"}
    )
    records = await fetch(broker.bootstrap_servers, offsets)
    assert len(records) == 150
    await consumer.consume(records)
    # And a redelivery of the whole batch (a crash before the offset commit) changes nothing.
    await consumer.consume(records)

    assert await applied(sessions, good) == dict.fromkeys(good, 1), "each good event applied exactly once"
    async with sessions() as session:
        assert (
            await session.scalar(select(func.count()).select_from(effects).where(effects.c.nip.in_([nip(50), nip(70)])))
            == 0
        ), "poison changes no state"

    def ours(r) -> bool:
        return (
            r.headers.get("dlq_original_topic") == TOPIC
            and r.headers.get("dlq_original_partition") == "0"
            and int(r.headers.get("dlq_original_offset", -1)) in bad.values()
        )

    dead = await read_topic(DEAD_LETTER, until=lambda rs: len(rs) >= 4, where=ours, timeout=15)
    reasons: dict[int, list[str]] = {}
    for r in dead:
        reasons.setdefault(int(r.headers["dlq_original_offset"]), []).append(r.headers["dlq_error"])
    assert set(reasons) == set(bad.values()), "both poison records dead-lettered"
    assert "invalid kinerja.target.EmployeeRegistered.v1 data" in reasons[bad["undecodable"]][0]
    # The handler's message quotes the employee's name: the reason keeps the class and the place, not it.
    assert "ValueError at" in reasons[bad["rejected"]][0] and "in record_effects" in reasons[bad["rejected"]][0]
    assert REJECTED not in reasons[bad["rejected"]][0]
    assert {r.headers["dlq_consumer"] for r in dead} == {consumer.service}
    original = {r.offset: r.value for r in records}
    assert all(r.value == original[int(r.headers["dlq_original_offset"])] for r in dead), "dead-lettered unchanged"
