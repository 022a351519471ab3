"""The relay against the real broker: a record the broker refuses is parked (kept with its
reason, counted, readable by an operator, queueable again) and the outbox flows on; rows the
broker acknowledged are marked sent whatever happens to the others, so none goes out twice."""

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, update

pytestmark = pytest.mark.integration

EMPLOYEES = "kinerja.employees"
HR_NIP = "199001012015011001"
# A name the broker can never accept as a topic (spaces and "!" are not allowed).
INVALID_TOPIC = "kinerja.employees invalid!"


async def queue_employees(
    uows, events, agency: str, nips: list[str], spoiled: dict[int, dict] | None = None
) -> list[str]:
    """Commit one EmployeeRegistered per NIP in one transaction and return their event ids in
    order; ``spoiled`` {index: column values} turns some rows, in the same transaction, into
    records the broker will refuse (as a bug elsewhere could)."""
    from kinerja_runtime.tables import outbox

    async with uows() as uow:
        # publish_many writes the rows at once (publish waits for the commit), so they can be spoiled here.
        ids = [a.id for a in await uow.publish_many([events.employee(agency, nip) for nip in nips])]
        for index, values in (spoiled or {}).items():
            await uow.session.execute(update(outbox).where(outbox.c.event_id == ids[index]).values(**values))
        await uow.commit()
    return ids


async def outbox_rows(sessions) -> dict[str, dict]:
    from kinerja_runtime.tables import outbox

    async with sessions() as session:
        rows = (await session.execute(select(outbox))).all()
    return {
        r.event_id: {"published": r.published_at is not None, "parked_at": r.parked_at, "reason": r.parked_reason}
        for r in rows
    }


def metric(text: str, name: str, **labels) -> float:
    """A sample's value from Prometheus text exposition; 0 when absent."""
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def oversized_payload(agency: str) -> dict:
    return {"payload": json.dumps({"agency_id": agency, "padding": "x" * 100_000})}


async def test_a_refused_record_is_parked_counted_readable_and_the_outbox_flows_on(
    database_url, feedback_app, running, events, agency, new_nip, read_topic, auth_headers, eventually
):
    # The producer's limit set low, so a 100 kB record is over it (aiokafka refuses it before
    # sending, as the broker would refuse one over its own limit).
    app = feedback_app(database_url, kafka_max_request_bytes=64 * 1024)
    runtime = app.state.runtime
    hr = auth_headers(HR_NIP, agency, ["hr"])
    async with running(app) as client:
        counted_before = metric(
            (await client.get("/metrics")).text,
            "kinerja_outbox_parked_total",
            topic=EMPLOYEES,
            error="MessageSizeTooLargeError",
        )
        first, oversized, after = await queue_employees(
            runtime.uows, events, agency, [new_nip() for _ in range(3)], {1: oversized_payload(agency)}
        )

        records = await read_topic(
            EMPLOYEES, until=lambda rs: len(rs) >= 2, timeout=30, where=lambda r: r.headers.get("ce_agency") == agency
        )
        # Different keys, so perhaps different partitions: compared without order.
        assert sorted(r.headers["ce_id"] for r in records) == sorted([first, after]), "the rows around it went out"

        async def parked():
            rows = await outbox_rows(runtime.sessions)
            assert rows[oversized]["parked_at"] is not None, rows[oversized]
            assert rows[first]["published"] and rows[after]["published"]
            return rows

        rows = await eventually(parked, what="the oversized row parked")
        assert not rows[oversized]["published"]
        assert rows[oversized]["reason"].startswith("MessageSizeTooLargeError"), rows[oversized]["reason"]
        counted = metric(
            (await client.get("/metrics")).text,
            "kinerja_outbox_parked_total",
            topic=EMPLOYEES,
            error="MessageSizeTooLargeError",
        )
        assert counted == counted_before + 1

        # An operator reads it with its reason; the payload itself is not shown.
        listed = await client.get("/operations/outbox/parked", headers=hr)
        assert listed.status_code == 200, listed.text
        [row] = listed.json()
        assert row["event_id"] == oversized and row["topic"] == EMPLOYEES and row["agency"] == agency
        assert row["reason"].startswith("MessageSizeTooLargeError") and row["payload_bytes"] > 100_000
        assert "payload" not in row
        other_agency = await client.get(
            "/operations/outbox/parked", headers=auth_headers(HR_NIP, "another-agency", ["hr"])
        )
        assert other_agency.status_code == 200 and other_agency.json() == []
        province = await client.get(
            "/operations/outbox/parked", headers=auth_headers(HR_NIP, "province", ["province_admin"])
        )
        assert [r["event_id"] for r in province.json()] == [oversized]
        employee = await client.get("/operations/outbox/parked", headers=auth_headers(new_nip(), agency, ["employee"]))
        assert employee.status_code == 403

        # Queued again (here with the cause not fixed): the relay takes it up and parks it again.
        requeued = await client.post(f"/operations/outbox/parked/{oversized}/requeue", headers=hr)
        assert requeued.status_code == 202, requeued.text

        async def parked_again():
            again = (await outbox_rows(runtime.sessions))[oversized]
            assert again["parked_at"] is not None and again["parked_at"] > rows[oversized]["parked_at"], again

        await eventually(parked_again, what="the requeued row sent again and parked again")
        missing = await client.post(f"/operations/outbox/parked/{first}/requeue", headers=hr)
        assert missing.status_code == 404, "a published row is not parked"


@pytest.fixture
async def relay_db(database_url):
    """(sessions, uows) on a migrated feedback-service database, with no service running."""
    import feedback_service.main
    from kinerja_runtime.db import create_engine, session_factory
    from kinerja_runtime.migrations import upgrade_to_head
    from kinerja_runtime.uow import UnitOfWorkFactory

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    yield sessions, UnitOfWorkFactory(sessions, source="/kinerja/relay-test")
    await engine.dispose()


@pytest.fixture
async def producer(broker):
    """The runtime's broker connection to the real broker, started (request timeout short, so
    a missing topic is given up on in seconds)."""
    from kinerja_runtime.messaging import create_broker

    connection = create_broker(broker.bootstrap_servers, "relay-test", request_timeout_ms=3000)
    await connection.start()
    yield connection
    await connection.stop()


async def test_records_on_a_topic_the_broker_refuses_are_parked_and_the_rest_published(
    relay_db, producer, events, agency, new_nip, read_topic, eventually
):
    from kinerja_runtime.messaging import broker_publisher
    from kinerja_runtime.outbox import OutboxRelay, pending_count

    sessions, uows = relay_db
    ids = await queue_employees(
        uows, events, agency, [new_nip() for _ in range(4)], {1: {"topic": INVALID_TOPIC}, 2: {"topic": INVALID_TOPIC}}
    )
    relay = OutboxRelay(sessions, broker_publisher(producer), poll_seconds=0.05, lease_seconds=30)
    # Running as in a service: after asking for the invalid topic, aiokafka narrows its metadata
    # to the topics it was asked about, so the next record may fail once (retriable, no leader
    # known) and go out on the next round.
    running = asyncio.create_task(relay.run())
    try:
        await eventually(lambda: _drained(sessions, pending_count), timeout=60, what="the outbox drained")
    finally:
        relay.stop()
        await running

    rows = await outbox_rows(sessions)
    for refused in ids[1:3]:
        assert rows[refused]["parked_at"] is not None and not rows[refused]["published"]
        assert rows[refused]["reason"].startswith("UnknownTopicOrPartitionError"), rows[refused]["reason"]
    assert rows[ids[0]]["published"] and rows[ids[3]]["published"]
    records = await read_topic(EMPLOYEES, where=lambda r: r.headers.get("ce_agency") == agency)
    assert sorted(r.headers["ce_id"] for r in records) == sorted([ids[0], ids[3]])
    assert await relay.relay_once() == 0, "parked rows are not taken up again"
    assert (await outbox_rows(sessions))[ids[1]]["parked_at"] == rows[ids[1]]["parked_at"]


async def _drained(sessions, pending_count) -> bool:
    return await pending_count(sessions) == 0


class SlowOrFailing:
    """Wraps the real publish: every record really goes to the broker, but the confirmation of
    one is handed to the relay only when the test says so, or replaced by a failure."""

    def __init__(self, publish):
        self._publish = publish
        self.held: dict[str, asyncio.Event] = {}
        self.fail_once: dict[str, Exception] = {}

    async def publish(self, topic: str, key: bytes, payload: bytes, headers: dict[str, str]):
        confirmation = await self._publish(topic, key, payload, headers)
        event_id = headers["ce_id"]
        if event_id in self.fail_once:
            failure = self.fail_once.pop(event_id)
            await confirmation  # it did reach the broker; the relay is told it failed

            async def failed():
                raise failure

            return failed()
        if event_id in self.held:
            release = self.held[event_id]

            async def slow():
                await release.wait()
                return await confirmation

            return slow()
        return confirmation


async def test_nothing_acknowledged_is_sent_twice_when_one_confirmation_is_slow_or_fails(
    relay_db, producer, events, agency, new_nip, read_topic, eventually
):
    from aiokafka.errors import KafkaTimeoutError
    from kinerja_runtime.messaging import broker_publisher
    from kinerja_runtime.outbox import OutboxRelay, pending_count

    sessions, uows = relay_db
    wrapper = SlowOrFailing(broker_publisher(producer))
    relay = OutboxRelay(sessions, wrapper.publish, lease_seconds=1.0)
    nips = [new_nip() for _ in range(30)]
    ids = await queue_employees(uows, events, agency, nips)
    slow, failing = ids[5], ids[20]
    wrapper.held[slow] = asyncio.Event()
    wrapper.fail_once[failing] = KafkaTimeoutError("the producer gave up on it")

    batch = asyncio.create_task(relay.relay_once())

    async def others_marked():
        rows = await outbox_rows(sessions)
        assert [e for e in ids if e not in (slow, failing) and not rows[e]["published"]] == []
        assert not rows[slow]["published"] and not rows[failing]["published"]

    await eventually(others_marked, what="every acknowledged row marked while one confirmation is slow")
    wrapper.held[slow].set()
    with pytest.raises(KafkaTimeoutError):
        await batch
    assert await pending_count(sessions) == 1, "only the failed row is left to send"
    assert await relay.relay_once() == 1
    assert await pending_count(sessions) == 0

    # Every confirmation is in, so the whole of it is on the topic: read to the end.
    records = await read_topic(EMPLOYEES, where=lambda r: r.headers.get("ce_agency") == agency)
    copies = Counter(r.headers["ce_id"] for r in records)
    assert copies[failing] == 2, "the record whose confirmation failed is sent again"
    assert {e: n for e, n in copies.items() if e != failing} == {e: 1 for e in ids if e != failing}, (
        "every acknowledged record is on the topic exactly once"
    )
