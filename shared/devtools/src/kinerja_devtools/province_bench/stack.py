"""The services under test: the embedded broker and the four services as processes (the same
launcher as ``make run``), each on a fresh PostgreSQL database of its own; replicas for the
replay start later on databases of their own. ``stop()`` ends every process and drops every
database, and is safe to call after a failed or interrupted start."""

import asyncio
from pathlib import Path

from kinerja_devtools.devstack import SERVICES, DevStack
from kinerja_devtools.province_bench.databases import Databases


class BenchStack:
    def __init__(self, data_dir: Path, run_id: str):
        self.run_id = run_id
        self.databases = Databases(run_id=run_id)
        self.dev = DevStack(data_dir, fixed_ports=False)

    def start(self) -> "BenchStack":
        """Blocking: call it outside the event loop (the broker's start runs its own)."""
        self.dev.database_urls = asyncio.run(self._make_databases([s.name for s in SERVICES]))
        self.dev.start()
        return self

    async def _make_databases(self, names: list[str]) -> dict[str, str]:
        return {name: await self.databases.make(name) for name in names}

    @property
    def urls(self) -> dict[str, str]:
        return {s.name: self.dev.url(s.name) for s in SERVICES}

    @property
    def pids(self) -> dict[str, int]:
        return {s.name: self.dev.pid(s.name) for s in SERVICES}

    @property
    def bootstrap_servers(self) -> str:
        return self.dev.bootstrap_servers

    def database_dsn(self, service: str) -> str:
        """A plain asyncpg DSN of a service's database (for the executemany baseline)."""
        return self.databases.dsn(self.dev.database_urls[service].rsplit("/", 1)[1])

    async def start_replica(self, service: str, process: str, consumer_group: str) -> int:
        """A second ``service`` process on a new database in a new consumer group, so it reads
        every topic from the beginning; returns its pid at once (see ``wait_ready``)."""
        self.dev.database_urls[process] = await self.databases.make(process)
        self.dev.start_service(service, process=process, env={"CONSUMER_GROUP": consumer_group})
        return self.dev.pid(process)

    async def wait_ready(self, process: str) -> None:
        await asyncio.to_thread(self.dev.wait_ready, process, 120.0)

    def stop_process(self, process: str) -> None:
        self.dev.stop_service(process)

    def stop(self) -> list[str]:
        """Stop every process, then drop every database; returns what could not be dropped."""
        try:
            self.dev.stop()
        finally:
            failed = self.databases.drop_all_blocking() if self.databases.created else []
        return failed
