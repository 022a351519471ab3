"""The runtime's tables are migrated by its own Alembic branches (kinerja_runtime.schema, ADR
0012). A database its service migrated before those branches existed holds the same tables,
stamped with the service's revision only: upgrading it must recognise the branches as applied
(the service revision that created the tables depends on the branch revision that now does),
run nothing twice and keep every row; one stamped before a shared revision gets it."""

import asyncio
import importlib
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from kinerja_runtime.migrations import alembic_config, upgrade_to_head

pytestmark = pytest.mark.integration

# Each service's head before the runtime's branches, and whether it keeps the roster projection.
HEADS_BEFORE = {
    "target_service": ("0006", False),
    "feedback_service": ("0008", True),
    "appraisal_service": ("0011", True),
    "training_service": ("0008", True),
}
# Tables that later revisions (issue 11 and after) add: a database at those heads has none yet.
LATER_TABLES = {"agencies", "known_agencies"}
ROWS = {
    "outbox": "INSERT INTO outbox (event_id, event_type, topic, record_key, headers, payload, created_at, "
    "parked_at, parked_reason) VALUES ('e-1', 'T', 'topic', 'k', CAST('{}' AS JSON), 'p', now(), now(), 'too large')",
    "inbox": "INSERT INTO inbox VALUES ('consumer', 'e-0', 'T', now())",
    "relay_lease": "INSERT INTO relay_lease VALUES ('outbox', 'replica-1', now())",
    "access_log": "INSERT INTO access_log (agency_id, subject_nip, accessed_at, actor_nip, actor_roles, action, "
    "record_kind, record_id, route) VALUES ('a', '198503122010011001', now(), 'x', 'hr', 'read', 'skp', 's', '/r')",
}
ROSTER_ROWS = {
    "known_employees": "INSERT INTO known_employees VALUES ('a', '198503122010011001', 'Siti', 'Analis', 'Bidang', "
    "NULL, 'u-1', now())",
    "known_units": "INSERT INTO known_units VALUES ('a', 'u-1', 'Bidang', NULL, NULL, false, now())",
    "known_periods": "INSERT INTO known_periods VALUES ('a', 'p-2026', 2026, '2026-01-01', '2026-12-31', 'open', "
    "NULL, now())",
    "known_departures": "INSERT INTO known_departures VALUES ('b', '198503122010011001', now())",
}


def migrations_of(package: str) -> Path:
    return Path(importlib.import_module(f"{package}.main").__file__).parent / "migrations"


def stamped_heads(package: str) -> set[str]:
    """What ``alembic_version`` holds once the service is upgraded: the heads no other head
    depends on (its own head, and a shared branch's head none of its revisions names)."""
    script = ScriptDirectory.from_config(alembic_config(migrations_of(package), "sqlite://"))
    heads = set(script.get_heads())
    return heads - {r.revision for h in heads for r in script.iterate_revisions(h, "base") if r.revision != h}


async def versions(sql, url: str) -> set[str]:
    return {r["version_num"] for r in await sql(url, "SELECT version_num FROM alembic_version")}


@pytest.mark.parametrize("package", list(HEADS_BEFORE))
async def test_a_database_at_the_head_before_the_branches_upgrades_keeping_its_rows(package, postgres_url_factory, sql):
    url = postgres_url_factory(f"adopt-{package}")
    head, keeps_roster = HEADS_BEFORE[package]
    # The database as its service left it: its tables and the shared ones (the migrations up to
    # that head make exactly them), its own revision alone stamped.
    await asyncio.to_thread(command.upgrade, alembic_config(migrations_of(package), url), head)
    await sql(url, "DELETE FROM alembic_version")
    await sql(url, "INSERT INTO alembic_version VALUES (:head)", head=head)
    rows = {**ROWS, **(ROSTER_ROWS if keeps_roster else {})}
    for insert in rows.values():
        await sql(url, insert)

    # A shared revision run again would fail on its existing table.
    await asyncio.to_thread(upgrade_to_head, migrations_of(package), url)

    # Nothing ran twice; only the revisions after the head did (they add LATER_TABLES).
    assert await versions(sql, url) == stamped_heads(package)
    for table in rows:
        assert await sql(url, f"SELECT count(*) AS n FROM {table}") == [{"n": 1}], table
    await asyncio.to_thread(command.check, alembic_config(migrations_of(package), url))


async def test_a_database_before_a_shared_revision_gets_it_in_order(postgres_url_factory, sql):
    """feedback-service at 0003 had the outbox without parking and no access log."""
    url = postgres_url_factory("adopt-feedback-0003")
    migrations = migrations_of("feedback_service")
    await asyncio.to_thread(command.upgrade, alembic_config(migrations, url), "0003")
    assert await sql(url, "SELECT to_regclass('access_log') AS t") == [{"t": None}]
    await sql(
        url,
        "INSERT INTO outbox (event_id, event_type, topic, record_key, headers, payload, created_at) "
        "VALUES ('e-1', 'T', 'topic', 'k', CAST('{}' AS JSON), 'p', now())",
    )

    await asyncio.to_thread(upgrade_to_head, migrations, url)

    assert await sql(url, "SELECT event_id, parked_at FROM outbox") == [{"event_id": "e-1", "parked_at": None}]
    assert await sql(url, "SELECT count(*) AS n FROM access_log") == [{"n": 0}]
    assert await versions(sql, url) == stamped_heads("feedback_service")
    await asyncio.to_thread(command.check, alembic_config(migrations, url))


async def test_target_service_takes_no_roster_projection(postgres_url_factory, sql):
    url = postgres_url_factory("adopt-target-roster")
    await asyncio.to_thread(upgrade_to_head, migrations_of("target_service"), url)
    assert await sql(url, "SELECT to_regclass('known_employees') AS t") == [{"t": None}]
