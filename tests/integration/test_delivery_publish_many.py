"""UnitOfWork.publish_many: many events in one statement, in order, inside the transaction (and
after the events published one by one before them);
an event over its bound or of a type no longer produced stores nothing."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kinerja_contracts import EmployeePeriodClosed, PerformancePeriodClosedV1, decode
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.problems import answer_to
from kinerja_runtime.refusals import TooLarge
from kinerja_runtime.uow import UnitOfWorkFactory

pytestmark = pytest.mark.integration


@pytest.fixture
async def uows(database_url):
    import feedback_service.main

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    yield UnitOfWorkFactory(session_factory(engine), source="/kinerja/publish-many-test")
    await engine.dispose()


def closes(agency: str, nips: list[str], **overrides) -> list[EmployeePeriodClosed]:
    fields = {"skp_id": None, "skp_version": None, "realization_count": 0} | overrides
    return [
        EmployeePeriodClosed(
            agency_id=agency, period_id="2025", year=2025, nip=nip, closed_at=datetime.now(UTC), **fields
        )
        for nip in nips
    ]


async def test_many_events_are_queued_in_order_with_their_own_ids(uows, sql, database_url, agency, new_nip):
    nips = [new_nip() for _ in range(50)]
    async with uows() as uow:
        attributes = await uow.publish_many(closes(agency, nips))
        assert await uow.publish_many([]) == []
        await uow.commit()

    rows = await sql(database_url, "SELECT event_id, topic, record_key, headers, payload FROM outbox ORDER BY id")
    assert [r["record_key"] for r in rows] == nips
    assert [r["event_id"] for r in rows] == [a.id for a in attributes] and len({a.id for a in attributes}) == 50
    assert {r["topic"] for r in rows} == {"kinerja.targets"}
    headers = [r["headers"] if isinstance(r["headers"], dict) else json.loads(r["headers"]) for r in rows]
    assert [h["ce_subject"] for h in headers] == nips and {h["ce_agency"] for h in headers} == {agency}
    assert decode(EmployeePeriodClosed.event_type, rows[0]["payload"]).nip == nips[0]


async def test_one_event_over_its_bound_stores_nothing_of_the_batch(
    uows, sql, database_url, agency, new_nip, monkeypatch
):
    monkeypatch.setattr(EmployeePeriodClosed, "max_encoded_bytes", 230)
    fine, too_big = closes(agency, [new_nip()]), closes(agency, [new_nip()], skp_id="s" * 128, skp_version=1)
    with pytest.raises(TooLarge) as refused:
        async with uows() as uow:
            await uow.publish_many(fine + too_big)
            await uow.commit()
    assert answer_to(refused.value)[0] == 413
    assert refused.value.details["event_type"] == EmployeePeriodClosed.event_type
    assert refused.value.details["maximum"] == 230 < refused.value.details["size"]
    assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == [{"n": 0}]


async def test_a_superseded_type_is_no_longer_produced(uows, sql, database_url, agency):
    legacy = PerformancePeriodClosedV1(
        agency_id=agency, period_id="2025", year=2025, closed_at=datetime.now(UTC), employees=[]
    )
    async with uows() as uow:
        with pytest.raises(ValueError, match="PerformancePeriodClosed.v2"):
            await uow.publish(legacy)
    assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == [{"n": 0}]


async def test_events_published_one_by_one_keep_their_order_around_a_batch(uows, sql, database_url, agency, new_nip):
    """A single event waits for the commit (kinerja_runtime.deferred); a batch after it writes it
    first, so the outbox holds them in the order they were published."""
    nips = [new_nip() for _ in range(5)]
    first, batch, last = closes(agency, nips[:1]), closes(agency, nips[1:4]), closes(agency, nips[4:])
    async with uows() as uow:
        await uow.publish(first[0])
        await uow.publish_many(batch)
        await uow.publish(last[0])
        await uow.commit()
    rows = await sql(database_url, "SELECT record_key FROM outbox ORDER BY id")
    assert [r["record_key"] for r in rows] == nips


async def test_an_event_not_committed_is_not_written(uows, sql, database_url, agency, new_nip):
    async with uows() as uow:
        await uow.publish(closes(agency, [new_nip()])[0])
    assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == [{"n": 0}]
