"""The outbox relay: with several replicas on one database, one relay at a time publishes,
rows go out once each and in id order, and the lease passes on when its holder stops
(released) or dies (expired). Rows are marked sent as their acknowledgements arrive: a slow
confirmation holds back nothing else and is waited for, never abandoned and sent again."""

import asyncio
from pathlib import Path

import pytest
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.outbox import OutboxRelay, pending_count
from kinerja_runtime.uow import UnitOfWorkFactory

pytestmark = pytest.mark.integration


@pytest.fixture
async def outbox_db(database_url):
    """(sessions, queue) on a migrated feedback-service database; ``await queue(n)`` commits n
    outbox rows through a unit of work, as a request would."""
    import feedback_service.main

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    uows = UnitOfWorkFactory(sessions, source="/kinerja/relay-test")

    async def queue(n: int, events, agency: str, nip: str) -> None:
        for i in range(n):
            async with uows() as uow:
                await uow.publish(events.employee(agency, nip, name=f"Versi {i}"))
                await uow.commit()

    yield sessions, queue
    await engine.dispose()


class Recorder:
    """A publish function per relay that records (relay, outbox event id) in call order."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    def publisher(self, name: str, delay: float = 0.0):
        async def publish(topic: str, key: bytes, payload: bytes, headers: dict[str, str]) -> None:
            if delay:
                await asyncio.sleep(delay)
            self.sent.append((name, headers["ce_id"]))

        return publish

    def by(self, name: str) -> list[str]:
        return [event_id for who, event_id in self.sent if who == name]


async def outbox_ids(sessions) -> dict[str, int]:
    from kinerja_runtime.tables import outbox
    from sqlalchemy import select

    async with sessions() as session:
        return {row.event_id: row.id for row in (await session.execute(select(outbox.c.event_id, outbox.c.id))).all()}


async def lease_owner(sessions) -> str | None:
    from kinerja_runtime.tables import relay_lease
    from sqlalchemy import select

    async with sessions() as session:
        return await session.scalar(select(relay_lease.c.owner))


def assert_once_in_order(sent: list[str], ids: dict[str, int]) -> None:
    assert sorted(sent) == sorted(ids), "every row published"
    assert len(sent) == len(set(sent)), f"published twice: {sorted({e for e in sent if sent.count(e) > 1})}"
    order = [ids[e] for e in sent]
    assert order == sorted(order), f"rows published out of id order: {order}"


async def test_one_relay_holds_the_lease_and_a_released_lease_passes_on(outbox_db, events, agency, new_nip, eventually):
    sessions, queue = outbox_db
    nip = new_nip()
    recorder = Recorder()
    first = OutboxRelay(sessions, recorder.publisher("first"), poll_seconds=0.05, lease_seconds=30)
    second = OutboxRelay(sessions, recorder.publisher("second"), poll_seconds=0.05, lease_seconds=30)

    await queue(3, events, agency, nip)
    assert await first.relay_once() == 3
    assert await lease_owner(sessions) == first.owner
    await queue(2, events, agency, nip)
    assert await second.relay_once() == 0, "the lease is held by the first relay"
    assert await first.relay_once() == 2

    # Both running, as in two replicas: only the holder publishes.
    tasks = {relay: asyncio.create_task(relay.run()) for relay in (first, second)}
    try:
        await queue(4, events, agency, nip)
        await eventually(lambda: _zero(sessions), timeout=30, what="outbox drained")
        assert recorder.by("second") == [], "the relay without the lease published nothing"
        assert await lease_owner(sessions) == first.owner

        # The holder stops cleanly and releases; the other takes over.
        first.stop()
        await tasks.pop(first)
        await first.release()
        await queue(4, events, agency, nip)
        await eventually(lambda: _zero(sessions), timeout=30, what="outbox drained by the second relay")
        assert len(recorder.by("second")) == 4
        assert await lease_owner(sessions) == second.owner
    finally:
        for relay, task in tasks.items():
            relay.stop()
            await task
        await second.release()

    assert [who for who, _ in recorder.sent] == ["first"] * 9 + ["second"] * 4
    assert_once_in_order([e for _, e in recorder.sent], await outbox_ids(sessions))


async def _zero(sessions) -> bool:
    return await pending_count(sessions) == 0


async def test_an_expired_lease_is_taken_over(outbox_db, events, agency, new_nip, eventually):
    """A holder that dies without releasing blocks the others only until its lease expires."""
    from datetime import UTC, datetime, timedelta

    from kinerja_runtime.tables import relay_lease
    from sqlalchemy import update

    sessions, queue = outbox_db
    nip = new_nip()
    recorder = Recorder()
    # A long lease, so "still valid" holds however slow the machine; its end is then set by hand.
    crashed = OutboxRelay(sessions, recorder.publisher("crashed"), poll_seconds=0.05, lease_seconds=60.0)
    survivor = OutboxRelay(sessions, recorder.publisher("survivor"), poll_seconds=0.05, lease_seconds=1.0)

    await queue(2, events, agency, nip)
    assert await crashed.relay_once() == 2
    await queue(3, events, agency, nip)  # ...and then it dies: no release, no renewal.
    assert await survivor.relay_once() == 0, "the lease is still valid"
    async with sessions() as session, session.begin():
        await session.execute(update(relay_lease).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))

    async def takes_over():
        assert await survivor.relay_once() == 3

    await eventually(takes_over, timeout=15, interval=0.1, what="the survivor taking the expired lease")
    assert await lease_owner(sessions) == survivor.owner
    assert await crashed.relay_once() == 0, "the old holder, back, no longer holds the lease"
    assert_once_in_order([e for _, e in recorder.sent], await outbox_ids(sessions))


async def test_a_relay_that_lost_its_lease_mid_batch_stops_and_marks_nothing(outbox_db, events, agency, new_nip):
    """A holder that paused past its lease (a struggling broker, a long GC) must not count its
    batch as sent once another relay took the lease: it marks no row, and the new holder sends
    every row again, in order (at-least-once; consumers dedupe by ce_id)."""
    from kinerja_runtime.tables import relay_lease
    from sqlalchemy import update

    sessions, queue = outbox_db
    nip = new_nip()
    recorder = Recorder()
    paused = OutboxRelay(sessions, recorder.publisher("paused"), poll_seconds=0.05, lease_seconds=1.0)
    taker = OutboxRelay(sessions, recorder.publisher("taker"), poll_seconds=0.05, lease_seconds=1.0)

    await queue(6, events, agency, nip)
    assert await paused._hold_lease()
    # While it pauses, its lease expires and the other relay takes it over.
    async with sessions() as session, session.begin():
        await session.execute(update(relay_lease).values(owner=taker.owner))

    assert await paused.relay_once() == 0, "a relay without the lease marks nothing as sent"
    assert await taker.relay_once() == 6
    assert_once_in_order(recorder.by("taker"), await outbox_ids(sessions))
    assert await _zero(sessions)


class Gate:
    """A publish function whose confirmations the test settles: each call returns a pending
    future, as the producer does, and the test acknowledges or fails it by event id."""

    def __init__(self):
        self.calls: list[str] = []
        self.confirmations: dict[str, asyncio.Future] = {}
        self.refuse_call: dict[str, Exception] = {}

    async def publish(self, topic: str, key: bytes, payload: bytes, headers: dict[str, str]) -> asyncio.Future:
        event_id = headers["ce_id"]
        if event_id in self.refuse_call:
            raise self.refuse_call.pop(event_id)
        self.calls.append(event_id)
        self.confirmations[event_id] = asyncio.get_running_loop().create_future()
        return self.confirmations[event_id]

    def acknowledge(self, *event_ids: str) -> None:
        for event_id in event_ids:
            self.confirmations[event_id].set_result(None)

    def fail(self, event_id: str, exc: Exception) -> None:
        self.confirmations[event_id].set_exception(exc)


async def published(sessions) -> set[str]:
    from kinerja_runtime.tables import outbox
    from sqlalchemy import select

    async with sessions() as session:
        return set(await session.scalars(select(outbox.c.event_id).where(outbox.c.published_at.is_not(None))))


async def lease_expiry(sessions):
    from kinerja_runtime.tables import relay_lease
    from sqlalchemy import select

    async with sessions() as session:
        return await session.scalar(select(relay_lease.c.expires_at))


def in_id_order(ids: dict[str, int]) -> list[str]:
    return sorted(ids, key=ids.get)


async def test_acknowledged_rows_are_marked_while_a_slow_confirmation_is_outstanding(
    outbox_db, events, agency, new_nip, eventually
):
    """Rows the broker acknowledged are marked sent at once, whatever is still outstanding; a
    confirmation slower than the whole lease is waited for (the lease renewed meanwhile), not
    abandoned and sent again."""
    sessions, queue = outbox_db
    gate = Gate()
    relay = OutboxRelay(sessions, gate.publish, poll_seconds=0.05, lease_seconds=1.0)
    await queue(5, events, agency, new_nip())
    first, second, slow, fourth, fifth = in_id_order(await outbox_ids(sessions))

    batch = asyncio.create_task(relay.relay_once())
    await eventually(lambda: len(gate.calls) == 5, what="the whole batch handed to the producer")
    gate.acknowledge(first, second, fourth, fifth)
    await eventually(lambda: _marked(sessions, {first, second, fourth, fifth}), what="acknowledged rows marked")
    assert slow not in await published(sessions)

    # The slow confirmation outlives the lease it started under: the relay keeps renewing it.
    expiry = await lease_expiry(sessions)
    await eventually(lambda: _renewed_past(sessions, expiry), timeout=15, what="the lease renewed while waiting")
    assert not batch.done(), "the relay still waits for the slow confirmation"
    gate.acknowledge(slow)
    assert await batch == 5
    assert gate.calls == [first, second, slow, fourth, fifth], "each row handed over once, in id order"
    assert await pending_count(sessions) == 0


async def _marked(sessions, event_ids: set[str]) -> bool:
    return event_ids <= await published(sessions)


async def _renewed_past(sessions, previous) -> bool:
    return await lease_expiry(sessions) > previous


async def test_a_retriable_failure_stops_the_batch_and_the_next_round_resumes_there(
    outbox_db, events, agency, new_nip, eventually
):
    """The broker unavailable for one record: the rows before it are marked, nothing after it
    is handed over, and the next round starts from it, so no later record of its key overtakes it."""
    from aiokafka.errors import KafkaConnectionError

    sessions, queue = outbox_db
    gate = Gate()
    relay = OutboxRelay(sessions, gate.publish, poll_seconds=0.05, lease_seconds=30)
    await queue(5, events, agency, new_nip())
    ids = await outbox_ids(sessions)
    first, second, failing, fourth, fifth = in_id_order(ids)

    gate.refuse_call[failing] = KafkaConnectionError("broker away")
    batch = asyncio.create_task(relay.relay_once())
    await eventually(lambda: len(gate.calls) == 2, what="the rows before the failure handed over")
    gate.acknowledge(first, second)
    with pytest.raises(KafkaConnectionError):
        await batch
    assert await published(sessions) == {first, second}
    assert gate.calls == [first, second], "nothing after the failed record was handed over"

    # A confirmation that fails later (the producer gave up on it) stops the batch as well.
    batch = asyncio.create_task(relay.relay_once())
    await eventually(lambda: len(gate.calls) == 5, what="the next round handed over")
    gate.acknowledge(failing)
    gate.fail(fourth, KafkaConnectionError("timed out"))
    gate.acknowledge(fifth)
    with pytest.raises(KafkaConnectionError):
        await batch
    assert await published(sessions) == {first, second, failing, fifth}, "acknowledged rows marked, the failed one not"

    batch = asyncio.create_task(relay.relay_once())
    await eventually(lambda: len(gate.calls) == 6, what="the round after")
    gate.acknowledge(fourth)
    assert await batch == 1
    assert gate.calls == [first, second, failing, fourth, fifth, fourth], "only the unacknowledged row went again"
    assert await pending_count(sessions) == 0


async def test_a_relay_that_loses_its_lease_mid_batch_marks_nothing_more(
    outbox_db, events, agency, new_nip, eventually
):
    """Confirmations that arrive after another relay took the lease are not marked: that relay
    owns the outbox now and sends those rows itself (consumers dedupe by ce_id)."""
    from kinerja_runtime.tables import relay_lease
    from sqlalchemy import update

    sessions, queue = outbox_db
    gate = Gate()
    paused = OutboxRelay(sessions, gate.publish, poll_seconds=0.05, lease_seconds=30)
    recorder = Recorder()
    taker = OutboxRelay(sessions, recorder.publisher("taker"), poll_seconds=0.05, lease_seconds=30)
    await queue(4, events, agency, new_nip())
    first, second, third, fourth = in_id_order(await outbox_ids(sessions))

    batch = asyncio.create_task(paused.relay_once())
    await eventually(lambda: len(gate.calls) == 4, what="the batch handed over")
    gate.acknowledge(first, second)
    await eventually(lambda: _marked(sessions, {first, second}), what="the first acknowledgements marked")
    async with sessions() as session, session.begin():
        await session.execute(update(relay_lease).values(owner=taker.owner))
    gate.acknowledge(third, fourth)
    assert await batch == 2, "nothing marked once the lease was gone"
    assert await published(sessions) == {first, second}

    assert await taker.relay_once() == 2
    assert recorder.by("taker") == [third, fourth]
    assert await pending_count(sessions) == 0


async def test_the_relay_reads_its_queue_through_the_partial_index(
    outbox_db, events, agency, new_nip, database_url, sql
):
    """However many published rows are kept for replay, the next batch is read from the index
    of queued rows (planned with no table statistics, as after a fresh deploy)."""
    from kinerja_runtime.db import is_sqlite
    from kinerja_runtime.outbox import queued_rows
    from sqlalchemy.dialects import postgresql

    if is_sqlite(database_url):
        pytest.skip("the plan checked is PostgreSQL's")
    sessions, queue = outbox_db
    await queue(3, events, agency, new_nip())
    query = queued_rows(1000).compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(row["QUERY PLAN"] for row in await sql(database_url, f"EXPLAIN {query}"))
    assert "ix_outbox_queued" in plan, plan


async def test_a_row_committed_after_later_rows_were_sent_is_sent_too(outbox_db, events, agency, new_nip, eventually):
    """A transaction that took a lower id and commits after higher ones were sent: its row is
    found by the next read of the queue (which starts from the first id)."""
    from kinerja_runtime.uow import UnitOfWorkFactory

    sessions, queue = outbox_db
    recorder = Recorder()
    relay = OutboxRelay(sessions, recorder.publisher("relay"), poll_seconds=0.05)
    uows = UnitOfWorkFactory(sessions, source="/kinerja/relay-test")
    await queue(1, events, agency, new_nip())
    assert await relay.relay_once() == 1

    straggler = uows()
    async with straggler:
        await straggler.publish(events.employee(agency, new_nip(), name="Terlambat"))  # its id taken, uncommitted
        await queue(2, events, agency, new_nip())
        assert await relay.relay_once() == 2, "the rows committed after it go out"
        await straggler.commit()

    async def all_sent() -> None:
        await relay.relay_once()
        assert await pending_count(sessions) == 0

    await eventually(all_sent, what="the straggler sent")
    ids = await outbox_ids(sessions)
    assert sorted(recorder.by("relay")) == sorted(ids) and len(recorder.sent) == 4, "each row once"


async def test_the_relay_vacuums_the_outbox_as_rows_are_sent(
    outbox_db, events, agency, new_nip, database_url, sql, eventually
):
    """Every ``vacuum_every`` rows marked sent the relay VACUUMs the outbox beside its rounds, so
    the sent rows' entries leave the queue's index even with autovacuum off."""
    from kinerja_runtime.db import is_sqlite

    if is_sqlite(database_url):
        pytest.skip("PostgreSQL's VACUUM")
    sessions, queue = outbox_db
    relay = OutboxRelay(sessions, Recorder().publisher("relay"), poll_seconds=0.05, vacuum_every=3)
    await queue(2, events, agency, new_nip())
    assert await relay.relay_once() == 2
    relay._vacuum_if_due()
    assert relay._vacuum is None, "not before vacuum_every rows"
    await queue(2, events, agency, new_nip())
    assert await relay.relay_once() == 2
    relay._vacuum_if_due()
    assert relay._vacuum is not None
    await relay._vacuum

    async def vacuumed() -> None:
        (row,) = await sql(database_url, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'outbox'")
        assert row["vacuum_count"] >= 1

    await eventually(vacuumed, what="the outbox vacuumed")
