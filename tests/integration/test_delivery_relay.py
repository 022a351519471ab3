"""The outbox relay lease: with several replicas on one database, one relay at a time
publishes, rows go out once each and in id order, and the lease passes on when its holder
stops (released) or dies (expired)."""

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
    sessions, queue = outbox_db
    nip = new_nip()
    recorder = Recorder()
    crashed = OutboxRelay(sessions, recorder.publisher("crashed"), poll_seconds=0.05, lease_seconds=1.0)
    survivor = OutboxRelay(sessions, recorder.publisher("survivor"), poll_seconds=0.05, lease_seconds=1.0)

    await queue(2, events, agency, nip)
    assert await crashed.relay_once() == 2
    await queue(3, events, agency, nip)  # ...and then it dies: no release, no renewal.
    assert await survivor.relay_once() == 0, "the lease is still valid"

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


async def test_a_publish_that_stalls_past_a_third_of_the_lease_is_abandoned(outbox_db, events, agency, new_nip):
    """A publish may not outlive the lease: it is abandoned (and retried later) instead."""
    sessions, queue = outbox_db
    recorder = Recorder()
    stalled = OutboxRelay(sessions, recorder.publisher("stalled", delay=2.0), poll_seconds=0.05, lease_seconds=1.0)
    await queue(1, events, agency, new_nip())
    with pytest.raises(TimeoutError):
        await stalled.relay_once()
    assert await pending_count(sessions) == 1, "the row stays queued for the next attempt"
