"""Fresh PostgreSQL databases for one benchmark run: created at the start with unique names,
dropped at the end whatever happened (the caller drops in a ``finally``)."""

import asyncio
import os
import re
from dataclasses import dataclass, field

import asyncpg

DEFAULT_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Databases:
    """``make(name) -> SQLAlchemy URL`` of a new database; ``drop_all()`` removes them."""

    admin_dsn: str = field(default_factory=lambda: os.environ.get("BENCH_POSTGRES_DSN", DEFAULT_ADMIN_DSN))
    run_id: str = "run"
    created: list[str] = field(default_factory=list)

    @property
    def url_prefix(self) -> str:
        server = self.admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
        return f"postgresql+asyncpg://{server}/"

    def dsn(self, database: str) -> str:
        """A plain asyncpg DSN of one of the run's databases."""
        return f"{self.admin_dsn.rsplit('/', 1)[0]}/{database}"

    async def make(self, name: str) -> str:
        database = f"kb_{re.sub(r'[^a-z0-9]+', '_', name.lower())}_{self.run_id}"
        conn = await asyncpg.connect(self.admin_dsn, timeout=10)
        try:
            await conn.execute(f'CREATE DATABASE "{database}"')
        finally:
            await conn.close()
        self.created.append(database)
        return self.url_prefix + database

    async def drop_all(self) -> list[str]:
        """Drop every database made; returns the ones that could not be dropped, with why."""
        failed = []
        conn = await asyncpg.connect(self.admin_dsn, timeout=10)
        try:
            for database in reversed(self.created):
                try:
                    await conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1"
                        " AND pid <> pg_backend_pid()",
                        database,
                    )
                    await conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
                except Exception as exc:  # keep dropping the others; the caller reports these
                    failed.append(f"{database}: {exc!r}")
        finally:
            await conn.close()
        self.created = [d for d in self.created if any(f.startswith(d + ":") for f in failed)]
        return failed

    def drop_all_blocking(self) -> list[str]:
        return asyncio.run(self.drop_all())
