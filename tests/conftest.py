"""Session fixtures shared by the integration and e2e tests.

* ``broker``: the Kafka-protocol broker (embedded Tansu, or ``KAFKA_BOOTSTRAP_SERVERS``).
* ``postgres_url_factory``: ``make(name) -> url`` of a fresh database (local PostgreSQL,
  else a testcontainers PostgreSQL, else SQLite files), all dropped at session end.
* ``running``: ``async with running(app) as client`` runs a FastAPI app in-process.
* ``token`` / ``tokens``: ``token(nip, agency, roles)`` -> a dev bearer token.
* ``kafka`` (``publish_raw``, ``publish_event``, ``read_topic``, ``committed_offset``): plain
  aiokafka access to topics, independent of the runtime library under test.
* ``eventually``: poll an assertion until it holds or a timeout passes.
* ``log_lines``: the process's log output (structlog's and the standard library's), parsed.

The run says which broker and database it used: planned in the report header, actual in
the terminal summary.
"""

import asyncio
import contextlib
import inspect
import os
import re
import socket
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"

# What the session actually used; printed in the terminal summary.
_USED: dict[str, str] = {}


def run_coroutine_blocking(coro):
    """Run ``coro`` to completion on a private loop in a worker thread.

    Works whether or not the caller is itself inside a running event loop.
    """
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# ---------------------------------------------------------------------------------------
# Database backend: local PostgreSQL -> Docker PostgreSQL -> SQLite files
# ---------------------------------------------------------------------------------------


def _local_postgres_answers() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
    except OSError:
        return False

    async def probe() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres", timeout=3)
        except Exception:
            return False
        await conn.close()
        return True

    return run_coroutine_blocking(probe())


def _docker_answers() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _plan_database() -> str:
    if _local_postgres_answers():
        return "postgres"
    if _docker_answers():
        return "docker"
    return "sqlite"


@dataclass
class DatabaseBackend:
    """Creates and drops test databases on one server (or SQLite files in one folder)."""

    kind: str  # "postgres" | "docker" | "sqlite"
    description: str
    admin_dsn: str | None = None  # asyncpg DSN of the maintenance database
    url_prefix: str | None = None  # postgresql+asyncpg://user[:pw]@host:port/
    sqlite_dir: Path | None = None
    container: object | None = None
    created: list[str] = field(default_factory=list)

    def make(self, name: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30] or "db"
        db = f"kt_{slug}_{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            self.created.append(db)
            return f"sqlite+aiosqlite:///{self.sqlite_dir / (db + '.db')}"
        run_coroutine_blocking(self._create(db))
        self.created.append(db)
        return f"{self.url_prefix}{db}"

    async def _create(self, db: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.admin_dsn, timeout=10)
        try:
            await conn.execute(f'CREATE DATABASE "{db}"')
        finally:
            await conn.close()

    async def _drop_all(self) -> list[str]:
        import asyncpg

        failed = []
        conn = await asyncpg.connect(self.admin_dsn, timeout=10)
        try:
            for db in self.created:
                try:
                    await conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                        db,
                    )
                    await conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
                except Exception as exc:
                    failed.append(f"{db}: {exc!r}")
        finally:
            await conn.close()
        return failed

    def close(self) -> None:
        if self.kind in ("postgres", "docker") and self.created:
            failed = run_coroutine_blocking(self._drop_all())
            if failed:
                _USED["database cleanup"] = "could not drop " + "; ".join(failed)
        if self.container is not None:
            self.container.stop()


def _start_backend(plan: str, tmp_dir: Path) -> DatabaseBackend:
    if plan == "postgres":
        return DatabaseBackend(
            "postgres",
            f"PostgreSQL at {PG_HOST}:{PG_PORT} (local server, one fresh database per use)",
            admin_dsn=f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres",
            url_prefix=f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/",
        )
    if plan == "docker":
        try:
            from testcontainers.postgres import PostgresContainer
        except ImportError:  # pragma: no cover - depends on the testcontainers version
            from testcontainers.community.postgres import PostgresContainer
        container = PostgresContainer("postgres:16-alpine", driver=None).start()
        host, port = container.get_container_host_ip(), container.get_exposed_port(5432)
        auth = f"{container.username}:{container.password}"
        return DatabaseBackend(
            "docker",
            f"PostgreSQL 16 in a testcontainers Docker container at {host}:{port}",
            admin_dsn=f"postgresql://{auth}@{host}:{port}/{container.dbname}",
            url_prefix=f"postgresql+asyncpg://{auth}@{host}:{port}/",
            container=container,
        )
    folder = tmp_dir / "sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    return DatabaseBackend(
        "sqlite",
        f"SQLite files in {folder} -- NO PostgreSQL: neither {PG_HOST}:{PG_PORT} nor a Docker engine answered",
        sqlite_dir=folder,
    )


def _describe_plan(plan: str) -> str:
    return {
        "postgres": f"PostgreSQL at {PG_HOST}:{PG_PORT}",
        "docker": "PostgreSQL in a testcontainers Docker container (no server at 127.0.0.1:5432)",
        "sqlite": "SQLITE FALLBACK: no PostgreSQL at 127.0.0.1:5432 and no Docker engine",
    }[plan]


def _describe_broker_plan() -> str:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        return f"external Kafka at {external} (KAFKA_BOOTSTRAP_SERVERS)"
    try:
        from kinerja_runtime.embedded_broker import find_tansu

        return f"embedded Tansu ({find_tansu()})"
    except Exception as exc:
        return f"UNAVAILABLE: {exc}"


_PLAN_KEY = pytest.StashKey[str]()


def pytest_report_header(config) -> list[str]:
    plan = _plan_database()
    config.stash[_PLAN_KEY] = plan
    return [f"kinerja broker: {_describe_broker_plan()}", f"kinerja database: {_describe_plan(plan)}"]


def pytest_terminal_summary(terminalreporter) -> None:
    if not _USED:
        return
    terminalreporter.section("kinerja test infrastructure")
    for what, how in _USED.items():
        terminalreporter.write_line(f"{what}: {how}")


# ---------------------------------------------------------------------------------------
# Broker and databases
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    """The session's broker, with every catalogue topic created."""
    from kinerja_runtime.embedded_broker import BrokerUnavailable, EmbeddedBroker

    log_file = tmp_path_factory.mktemp("broker") / "tansu.log"
    instance = EmbeddedBroker(log_file=log_file)
    try:
        # start() uses asyncio.run; keep it off any running loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(instance.start).result()
    except BrokerUnavailable as exc:
        _USED["broker"] = f"UNAVAILABLE ({exc})"
        pytest.skip(f"no Kafka-protocol broker: {exc}")
    _USED["broker"] = instance.kind + ("" if instance.external else f" (log: {log_file})")
    # Services built by the tests read their settings from the environment too.
    saved = {name: os.environ.get(name) for name in instance.client_env}
    os.environ.update(instance.client_env)
    yield instance
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    instance.stop()


@pytest.fixture(scope="session")
def postgres_url_factory(request, tmp_path_factory) -> Callable[[str], str]:
    """``make(name) -> SQLAlchemy async URL`` of a fresh, empty database."""
    plan = request.config.stash.get(_PLAN_KEY, None) or _plan_database()
    backend = _start_backend(plan, tmp_path_factory.mktemp("db"))
    _USED["database"] = backend.description
    yield backend.make
    _USED["databases created"] = str(len(backend.created)) + (" (dropped)" if backend.kind != "sqlite" else "")
    backend.close()


# ---------------------------------------------------------------------------------------
# Apps, tokens, polling
# ---------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def run_app(app):
    """Enter the app's lifespan (migrations, broker, relay) and yield an in-process client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture(scope="session")
def running():
    """``async with running(app) as client: ...``"""
    return run_app


@pytest.fixture(scope="session")
def token() -> Callable[..., str]:
    """``token(nip, agency, roles=("employee",))`` -> a bearer token of the dev issuer."""
    from kinerja_runtime.auth.tokens import TokenIssuer
    from kinerja_runtime.settings import ServiceSettings

    issuer = TokenIssuer(ServiceSettings())

    def make(nip: str, agency: str, roles=("employee",)) -> str:
        return issuer.issue(nip, agency, list(roles))

    return make


@pytest.fixture(scope="session")
def tokens(token):
    return token


@pytest.fixture(scope="session")
def auth_headers(token) -> Callable[..., dict[str, str]]:
    """``auth_headers(nip, agency, roles)`` -> ``{"Authorization": "Bearer ..."}``."""

    def make(nip: str, agency: str, roles=("employee",)) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(nip, agency, roles)}"}

    return make


async def poll_until(
    check: Callable[[], Awaitable | object], *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"
):
    """Call ``check`` (sync or async) until it returns without raising AssertionError and
    with a truthy result; returns that result. At the timeout the last failure is raised."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            result = check()
            if inspect.isawaitable(result):
                result = await result
            if result is None or result:
                return result
            last = AssertionError(f"{what}: got {result!r}")
        except AssertionError as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout:.0f} s: {last}") from last
        await asyncio.sleep(interval)


@pytest.fixture(scope="session")
def eventually():
    """``await eventually(check, timeout=30, what="...")``: poll, never sleep-and-hope."""
    return poll_until


# ---------------------------------------------------------------------------------------
# Plain Kafka access (aiokafka), independent of the runtime library
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes | None
    headers: dict[str, str]

    @property
    def header_list(self) -> list[tuple[str, str]]:
        return list(self.headers.items())


def _header_bytes(headers: Mapping[str, str | bytes] | None) -> list[tuple[str, bytes]]:
    return [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in (headers or {}).items()]


class KafkaTool:
    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap
        self._producer = None

    async def _producer_started(self):
        from aiokafka import AIOKafkaProducer

        if self._producer is None:
            # Tansu has no InitProducerId: idempotence must be off.
            producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=False, acks="all")
            await producer.start()
            self._producer = producer
        return self._producer

    async def publish(
        self,
        topic: str,
        value: bytes | None,
        key: str | bytes | None = None,
        headers: Mapping[str, str | bytes] | None = None,
        partition: int | None = None,
    ):
        """Publish one raw record; returns aiokafka's RecordMetadata (topic, partition, offset)."""
        producer = await self._producer_started()
        raw_key = key.encode() if isinstance(key, str) else key
        return await producer.send_and_wait(
            topic, value, key=raw_key, headers=_header_bytes(headers), partition=partition
        )

    async def publish_event(
        self,
        event,
        *,
        event_id: str | None = None,
        source: str = "/kinerja/tests",
        headers: Mapping[str, str] | None = None,
    ):
        """Publish a contract event as a CloudEvent (binary mode) on its topic, keyed like the
        catalogue says. Returns ``(ce_id, RecordMetadata)``."""
        from kinerja_contracts import CloudEventAttributes, encode

        attributes = CloudEventAttributes.for_event(event, source)
        ce_headers = attributes.to_headers()
        if event_id:
            ce_headers["ce_id"] = event_id
        ce_headers.update(headers or {})
        meta = await self.publish(event.topic, encode(event), event.key(), ce_headers)
        return ce_headers["ce_id"], meta

    async def read(
        self,
        topic: str,
        until: Callable[[list[Record]], bool] | None = None,
        *,
        timeout: float = 30.0,
        where: Callable[[Record], bool] | None = None,
    ) -> list[Record]:
        """Every record of ``topic`` (all partitions, from the beginning) that passes ``where``,
        read until ``until(records)`` holds or ``timeout`` passes (then whatever was read).

        Partitions are assigned manually (no consumer group to join), so reading is not
        delayed by group rebalancing; nothing is committed.
        """
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from kinerja_runtime.log_end import known_end

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"kinerja-tests-{uuid.uuid4().hex[:8]}",
        )
        await consumer.start()
        records: list[Record] = []
        try:
            partitions = await self._partitions(consumer, topic)
            tps = [TopicPartition(topic, p) for p in partitions]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            deadline = time.monotonic() + timeout
            while True:
                batch = await consumer.getmany(timeout_ms=200, max_records=500)
                for tp_records in batch.values():
                    for r in tp_records:
                        record = Record(
                            r.topic,
                            r.partition,
                            r.offset,
                            r.key.decode(errors="replace") if r.key is not None else None,
                            r.value,
                            {
                                k: v.decode(errors="replace") if isinstance(v, bytes) else v
                                for k, v in (r.headers or ())
                            },
                        )
                        if where is None or where(record):
                            records.append(record)
                if until is not None and until(records):
                    return records
                if until is None and not batch:
                    # No predicate: read to the current end of every partition.
                    listed = await consumer.end_offsets(tps)
                    ends = {tp: known_end(listed[tp], consumer.highwater(tp)) for tp in tps}
                    positions = {tp: await consumer.position(tp) for tp in tps}
                    if all(positions[tp] >= ends[tp] for tp in tps):
                        return records
                if time.monotonic() > deadline:
                    return records
        finally:
            await consumer.stop()

    async def _partitions(self, consumer, topic: str) -> list[int]:
        deadline = time.monotonic() + 10
        while True:
            found = consumer.partitions_for_topic(topic)
            if found:
                return sorted(found)
            if time.monotonic() > deadline:
                raise AssertionError(f"topic {topic} has no partitions on the broker")
            await consumer.topics()  # a remote metadata call
            await asyncio.sleep(0.2)

    async def committed(self, group: str, topic: str, partition: int) -> int | None:
        """The offset ``group`` has committed on one partition (None if nothing committed)."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            return await consumer.committed(TopicPartition(topic, partition))
        finally:
            await consumer.stop()

    async def lag(self, group: str, topics: Sequence[str]) -> int:
        """How many records of ``topics`` ``group`` has not committed yet (0: caught up with the
        log end as it is now)."""
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from kinerja_runtime.log_end import log_ends

        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            tps = [TopicPartition(t, p) for t in topics for p in await self._partitions(consumer, t)]
            end = await log_ends(consumer, tps)
            behind = 0
            for tp in tps:
                behind += max(0, end[tp] - ((await consumer.committed(tp)) or 0))
            return behind
        finally:
            await consumer.stop()

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def kafka(broker):
    tool = KafkaTool(broker.bootstrap_servers)
    yield tool
    await tool.close()


@pytest.fixture(scope="session")
def publish_raw(kafka):
    """``await publish_raw(topic, value_bytes, key, headers_dict)`` -> RecordMetadata."""
    return kafka.publish


@pytest.fixture(scope="session")
def publish_event(kafka):
    """``await publish_event(event, event_id=None)`` -> (ce_id, RecordMetadata)."""
    return kafka.publish_event


@pytest.fixture(scope="session")
def read_topic(kafka):
    """``await read_topic(topic, until=lambda records: ..., timeout=30, where=...)``."""
    return kafka.read


@pytest.fixture(scope="session")
def consumer_lag(kafka):
    """``await consumer_lag(group, topics)`` -> records of ``topics`` the group has not committed."""
    return kafka.lag


@pytest.fixture(scope="session")
def committed_offset(kafka):
    """``await committed_offset(group, topic, partition)`` -> int | None."""
    return kafka.committed


# ---------------------------------------------------------------------------------------
# Log output
# ---------------------------------------------------------------------------------------


@pytest.fixture
def log_lines():
    """``lines = log_lines(service, level="INFO")`` routes every log line of the process into a
    buffer (the runtime's JSON set-up); ``lines()`` -> the lines written since, each parsed (a
    line that is not JSON fails). A service app created afterwards takes the output back: call
    it after creating the app. Output goes back to stdout after the test."""
    import io
    import json

    from kinerja_runtime.logging import configure_logging

    buffer = io.StringIO()

    def route(service: str, level: str = "INFO"):
        configure_logging(service, level, json=True, stream=buffer)
        start = buffer.tell()
        return lambda: [json.loads(line) for line in buffer.getvalue()[start:].splitlines()]

    yield route
    configure_logging("kinerja", "WARNING", json=False)


# -- a test that hangs says where ------------------------------------------------------------------
TASK_DUMP_SECONDS = float(os.environ.get("KINERJA_TASK_DUMP_SECONDS", "240"))
"""After this long in one test (below pytest-timeout's 300 s), the stack of every asyncio task of
every running event loop is written to stderr: pytest-timeout shows threads, and a hung async test
is a coroutine waiting somewhere, which no thread stack shows."""


def _dump_tasks(test: str) -> None:
    import gc
    import sys

    def dump(loop: asyncio.AbstractEventLoop) -> None:
        print(f"\n==== asyncio tasks of {loop!r} after {TASK_DUMP_SECONDS:.0f} s in {test}", file=sys.stderr)
        for task in asyncio.all_tasks(loop):
            print(f"-- {task.get_name()}: {task!r}"[:500], file=sys.stderr)
            task.print_stack(limit=25, file=sys.stderr)

    for loop in [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]:
        if loop.is_running():
            loop.call_soon_threadsafe(dump, loop)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    import threading

    timer = threading.Timer(TASK_DUMP_SECONDS, _dump_tasks, args=(item.nodeid,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
