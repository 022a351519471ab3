"""Rows written with the commit (kinerja_runtime.deferred, ADR 0016) on PostgreSQL: an event and
several access-log entries in one statement, the entries as arrays; a value too long for its
column is refused as a single row's would be, never cut."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kinerja_contracts import EmployeePeriodClosed
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.tables import access_log
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.integration


@pytest.fixture
async def uows(database_url):
    import feedback_service.main

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    sent: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    yield UnitOfWorkFactory(session_factory(engine), source="/kinerja/deferred-test"), sent
    await engine.dispose()


def entry(agency: str, nip: str) -> dict:
    return {
        "agency_id": agency,
        "subject_nip": nip,
        "accessed_at": datetime.now(UTC),
        "actor_nip": nip,
        "actor_roles": "hr",
        "action": "read",
        "record_kind": "roster",
        "record_id": nip,
        "route": "GET /employees",
    }


async def test_an_event_and_several_entries_go_in_one_statement(uows, sql, database_url, agency, new_nip):
    factory, sent = uows
    nips = [new_nip() for _ in range(3)]
    async with factory() as uow:
        await uow.publish(closing(agency, nips[0]))
        uow.insert_at_commit(access_log, [entry(agency, nip) for nip in nips])
        sent.clear()
        await uow.commit()

    writes = [s for s in sent if "INSERT" in s]
    assert len(writes) == 1 and "INSERT INTO outbox" in writes[0] and "unnest" in writes[0], writes
    logged = await sql(database_url, "SELECT subject_nip FROM access_log ORDER BY subject_nip")
    assert [r["subject_nip"] for r in logged] == sorted(nips)
    assert await sql(database_url, "SELECT record_key FROM outbox") == [{"record_key": nips[0]}]


async def test_a_value_too_long_for_its_column_is_refused_not_cut(uows, sql, database_url, agency, new_nip):
    factory, _ = uows
    too_long = "a" * (access_log.c.agency_id.type.length + 1)
    nip = new_nip()
    with pytest.raises(DBAPIError):
        async with factory() as uow:
            # With an event, so the entries go as arrays in the one statement.
            await uow.publish(closing(agency, nip))
            uow.insert_at_commit(access_log, [entry(too_long, nip), entry(agency, new_nip())])
            await uow.commit()
    assert await sql(database_url, "SELECT count(*) AS n FROM access_log") == [{"n": 0}]
    assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == [{"n": 0}]


def closing(agency: str, nip: str) -> EmployeePeriodClosed:
    return EmployeePeriodClosed(
        agency_id=agency,
        period_id="2025",
        year=2025,
        nip=nip,
        closed_at=datetime.now(UTC),
        skp_id=None,
        skp_version=None,
        realization_count=0,
    )
