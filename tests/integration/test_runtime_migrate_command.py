"""The migrations-only entry (issue 12): ``python -m <package> migrate`` brings a service's
database to its revisions and exits, as the deploy manifests' migrations Job runs it; a service
started with ``MIGRATE_ON_START=false`` does not migrate but refuses a database the Job has not
migrated yet, and accepts one a newer version migrated (a rolling update)."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kinerja_runtime.migrations import NotMigrated
from kinerja_runtime.settings import ServiceSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from target_service.main import create_app

pytestmark = pytest.mark.integration


def command(*args: str, database_url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "LOG_JSON": "false", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "target_service", *args], env=environment, capture_output=True, text=True, timeout=180
    )


def app_without_migrations(broker, database_url: str):
    return create_app(
        ServiceSettings(
            service_name="target-service",
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            migrate_on_start=False,
            log_json=False,
            log_level="WARNING",
        )
    )


async def revisions(database_url: str) -> set[str]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    finally:
        await engine.dispose()


async def test_the_service_refuses_an_unmigrated_database_then_starts_once_migrate_ran(broker, database_url, running):
    with pytest.raises(NotMigrated) as refused:
        async with running(app_without_migrations(broker, database_url)):
            pass
    assert "python -m target_service migrate" in str(refused.value)
    assert "no revision" in str(refused.value)

    first = command("migrate", database_url=database_url)
    assert first.returncode == 0, first.stderr
    migrated = await revisions(database_url)
    assert migrated, "migrate wrote no revision"
    again = command("migrate", database_url=database_url)
    assert again.returncode == 0, again.stderr
    assert await revisions(database_url) == migrated

    async with running(app_without_migrations(broker, database_url)) as client:
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text


async def test_a_database_a_newer_version_migrated_is_accepted(broker, database_url, running):
    assert command("migrate", database_url=database_url).returncode == 0
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            # The next release's revision on top of one of this code's heads.
            head = (await connection.execute(text("SELECT min(version_num) FROM alembic_version"))).scalar_one()
            await connection.execute(
                text("UPDATE alembic_version SET version_num = 'next_release_0001' WHERE version_num = :head"),
                {"head": head},
            )
    finally:
        await engine.dispose()
    async with running(app_without_migrations(broker, database_url)) as client:
        assert (await client.get("/health/live")).status_code == 200


async def test_another_services_database_is_refused_though_its_revisions_look_newer(broker, database_url, running):
    import feedback_service.main
    from kinerja_runtime.migrations import upgrade_to_head

    # feedback-service's revisions are unknown to target-service, as a newer release's would be.
    await asyncio.to_thread(upgrade_to_head, Path(feedback_service.main.__file__).parent / "migrations", database_url)
    with pytest.raises(NotMigrated) as refused:
        async with running(app_without_migrations(broker, database_url)):
            pass
    assert "lacks target_service's own tables" in str(refused.value)
    assert "DATABASE_URL names another service's database" in str(refused.value)


def test_migrate_names_the_database_it_could_not_reach_without_its_password():
    failed = command("migrate", database_url="postgresql+asyncpg://kinerja:s3cret-pw@127.0.0.1:1/kinerja_target")
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert lines[-1].startswith("target-service: could not migrate 127.0.0.1:1/kinerja_target: "), failed.stderr
    assert "s3cret-pw" not in failed.stderr + failed.stdout


def test_an_unknown_command_is_a_usage_error():
    wrong = command("migrat", database_url="sqlite+aiosqlite:///unused.db")
    assert wrong.returncode == 2
    assert "invalid choice: 'migrat'" in wrong.stderr and "serve" in wrong.stderr and "migrate" in wrong.stderr
