"""Alembic glue: each service keeps its own migrations folder; the runtime upgrades it at start
(:func:`upgrade_to_head`), or a migrations Job does (``python -m <package> migrate``) and the
service only checks it did (:func:`ensure_migrated`).

The tables the runtime declares (outbox, inbox, relay lease, access log, roster projection) are
migrated by the runtime's own branches (kinerja_runtime.schema), which a service's history takes
by ``depends_on`` (docs/adr/0012-shared-tables-migrate-once.md).
"""

import asyncio
import functools
import os
import threading
from collections.abc import Collection
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from sqlalchemy import MetaData, inspect, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from kinerja_runtime.schema import BRANCHES

MIGRATION_LOCK = 7_340_211  # any constant: serialises replicas migrating one PostgreSQL database
# Alembic keeps its running state in module globals, so one process migrates one database at a time.
_in_process = threading.Lock()


def alembic_config(script_location: Path, url: str) -> Config:
    """The service's migrations with the runtime branches they depend on: its ``heads`` are its
    own head and the heads of those branches."""
    own = Path(script_location).resolve()
    return _config(own, url, (own / "versions", *shared_branches(own)))


def upgrade_to_head(script_location: Path, url: str) -> None:
    """Blocking; call from a worker thread (env.py runs its own event loop)."""
    with _in_process:
        command.upgrade(alembic_config(script_location, url), "heads")


class NotMigrated(RuntimeError):
    """The database lacks revisions this code needs, and the service was told not to migrate; or it
    is not the service's database."""


def ensure_migrated(script_location: Path, url: str, tables: Collection[str] = ()) -> None:
    """Blocking. Refuse to start when the database is behind this code's migrations (the Job that
    migrates has not run yet: the pod restarts until it has), or is not the service's (``tables``:
    the service's own, which another service's database lacks). A database *ahead* of this code,
    at revisions it does not know, is accepted: that is a rolling update, where the previous
    version's pods keep running on the migrated schema (migrations add before they remove)."""
    script = ScriptDirectory.from_config(alembic_config(script_location, url))
    current, present = asyncio.run(_database_state(url))
    package = Path(script_location).resolve().parent.name
    if all(known(script, revision) for revision in current):
        missing = set(script.get_heads()) - applied_revisions(script, current)
        if missing:
            found = ", ".join(sorted(current)) or "no revision (an empty database)"
            raise NotMigrated(
                f"the database is at {found} and lacks {', '.join(sorted(missing))}: run "
                f"`python -m {package} migrate` (the migrations Job) first, or set MIGRATE_ON_START=true"
            )
    # Revision ids are not unique across services, and one this code does not know may be a
    # newer release's or another service's: only the service's own tables tell them apart.
    absent = sorted(set(tables) - present)
    if absent:
        raise NotMigrated(
            f"the database lacks {package}'s own tables ({', '.join(absent[:3])}): DATABASE_URL names another "
            "service's database; set it to this service's"
        )


def applied_revisions(script: ScriptDirectory, stamped: Collection[str]) -> set[str]:
    """The revisions a database stamped with ``stamped`` (all known to ``script``) has applied.
    The version table keeps only the tips: a runtime branch a service revision depends on is
    applied without a row of its own, so "applied" is the tips with everything they stand on."""
    found: set[str] = set()
    todo = list(script.revision_map.get_revisions(tuple(stamped)))
    while todo:
        revision = todo.pop()
        if revision is None or revision.revision in found:
            continue
        found.add(revision.revision)
        todo += script.revision_map.get_revisions(_names(revision.down_revision) + _names(revision.dependencies))
    return found


def _names(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


async def _database_state(url: str) -> tuple[set[str], set[str]]:
    """The stamped revisions and the tables present."""
    engine = create_async_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: (
                    set(MigrationContext.configure(sync).get_current_heads()),
                    set(inspect(sync).get_table_names()),
                )
            )
    finally:
        await engine.dispose()


def known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.revision_map.get_revision(revision) is not None
    except RevisionError:  # a revision this code has never seen
        return False


@functools.cache
def shared_branches(script_location: Path) -> tuple[Path, ...]:
    """The folders of the runtime branches (kinerja_runtime.schema) a service's revisions name in
    ``depends_on``, and those the branches taken name in turn."""
    own = script_location / "versions"
    script = ScriptDirectory.from_config(_config(script_location, "sqlite://", (own, *BRANCHES.values())))
    revisions = list(script.walk_revisions())
    taken, found = set(), {own}
    while found - taken:
        taken |= found
        found = taken | {
            Path(dependency.path).parent
            for revision in revisions
            if Path(revision.path).parent in taken
            for dependency in script.revision_map.get_revisions(revision.dependencies)
            if dependency is not None
        }
    return tuple(folder for folder in BRANCHES.values() if folder in taken)


def _config(script_location: Path, url: str, version_locations: tuple[Path, ...]) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(folder) for folder in version_locations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def run_env(target_metadata: list[MetaData]) -> None:
    """Body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target_metadata))


async def _run_online(url: str, target_metadata: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            await connection.commit()
        await connection.run_sync(_migrate, target_metadata)
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
            await connection.commit()
    await engine.dispose()


def _render_item(type_, obj, autogen_context):
    # Migrations store the plain column type; UtcDateTime only adds Python-side conversion.
    from kinerja_runtime.db import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _migrate(connection, target_metadata) -> None:
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, render_item=_render_item
    )
    with context.begin_transaction():
        context.run_migrations()
