"""Refusing the wrong database: every command first checks that the database it was given is
the named service's, at the release the command belongs to.

Alembic's version table names revisions, but the services' revision ids overlap ("0009_recognitions"
is feedback-service's and training-service's), so the check has three parts: every stamped
revision is one of the service's migrations, every head of them is applied, and the service's
own tables are there.
"""

from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from kinerja_runtime.app import ServiceRuntime
from kinerja_runtime.migrations import alembic_config, applied_revisions, known
from kinerja_runtime.redaction import describe


class Refused(Exception):
    """The command will not run: its message says why and what to do (exit status 1)."""


async def check_database(service: str, runtime: ServiceRuntime, tables: MetaData) -> None:
    url = runtime.settings.resolved_database_url()
    where = _shown(url)
    try:
        async with runtime.engine.connect() as connection:
            present = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            stamped = set()
            if "alembic_version" in present:
                stamped = set((await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).scalars())
    except (OSError, SQLAlchemyError) as exc:
        raise Refused(f"cannot reach {where} ({describe(exc)}): check DATABASE_URL") from None
    if not stamped:
        raise Refused(f"{where} holds no Kinerja schema (no Alembic version): set DATABASE_URL to {service}'s database")
    if runtime.migrations is None:
        raise Refused(f"{service} does not say where its migrations are; this release cannot check its database")
    script = ScriptDirectory.from_config(alembic_config(runtime.migrations, url))
    applied = _applied(script, stamped, service, where)
    missing_heads = sorted(set(script.get_heads()) - applied)
    if missing_heads:
        raise Refused(
            f"{where} is not migrated to this release of {service} (revision {missing_heads[0]} is not applied): "
            f"start the service (it migrates on start) or run its migrations Job, then retry"
        )
    missing_tables = sorted(set(tables.tables) - present)
    if missing_tables:
        raise Refused(
            f"{where} lacks {service}'s tables ({', '.join(missing_tables[:3])}): DATABASE_URL names another "
            f"service's database; set it to {service}'s"
        )


def _applied(script: ScriptDirectory, stamped: set[str], service: str, where: str) -> set[str]:
    """The revisions the stamped ones stand for: themselves and everything they rest on."""
    unknown = sorted(revision for revision in stamped if not known(script, revision))
    if unknown:
        raise Refused(
            f"{where} is at revision {unknown[0]}, which is not one of {service}'s migrations: DATABASE_URL names "
            f"another service's database (or a newer release's); set it to {service}'s"
        )
    return applied_revisions(script, stamped)


def _shown(url: str) -> str:
    """The database as an operator knows it, without its password."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return f"the database {parsed.database}"
    return f"the database {parsed.database} on {parsed.host}"
