"""A database outage is waited out, holding the partition: the event is applied once the
database answers again, never dead-lettered."""

import asyncio
import uuid
from pathlib import Path

import pytest
from kinerja_contracts import EmployeeRegistered
from kinerja_runtime import roster
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.messaging import EventConsumer, create_broker
from kinerja_runtime.metrics import DEAD_LETTERED
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.integration

SERVICE = "outage-test"


def dead_lettered() -> float:
    """Dead letters for a failing handler, which an outage would be taken for (the poison that
    other tests left on the topic is dead-lettered for its headers or data, not counted here)."""
    return DEAD_LETTERED.labels(SERVICE, "handler_error")._value.get()


async def test_an_outage_longer_than_the_retries_is_waited_out(
    broker, database_url, publish_event, events, agency, new_nip, eventually
):
    import feedback_service.main

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    kafka = create_broker(broker.bootstrap_servers, SERVICE)
    consumer = EventConsumer(
        kafka,
        UnitOfWorkFactory(sessions, source="/test"),
        SERVICE,
        group_id=f"{SERVICE}-{uuid.uuid4().hex[:8]}",
        max_attempts=2,
        backoff_seconds=0.01,
    )
    failures = []

    async def during_an_outage(batch, uow) -> None:
        ours = [d for d in batch if d.event.agency_id == agency]  # other tests' events share the topic
        if ours and len(failures) < 6:  # three times the retries a faulty event would get
            failures.append(1)
            raise OperationalError("INSERT ...", {}, ConnectionRefusedError("database is down"))
        await roster.on_employees_registered(ours, uow)

    consumer.handle(EmployeeRegistered, during_an_outage)
    consumer.bind()
    dead_before = dead_lettered()
    nip = new_nip()
    await kafka.start()
    try:
        await publish_event(events.employee(agency, nip))

        async def applied():
            async with sessions() as session:
                found = await session.scalar(
                    select(func.count())
                    .select_from(roster.known_employees)
                    .where(roster.known_employees.c.agency_id == agency, roster.known_employees.c.nip == nip)
                )
            assert found == 1

        await eventually(applied, timeout=90, interval=0.2, what="the event applied after the outage")
    finally:
        await kafka.stop()
        await engine.dispose()
    assert len(failures) == 6
    assert dead_lettered() == dead_before, "an outage is never dead-lettered"
