"""``python -m kinerja_devtools.bench_training``: how fast training-service applies a year's
AppraisalCompleted events, on PostgreSQL (a fresh database it creates and drops) and the
embedded broker. Figures only; nothing here asserts.

The roster and the periods are published and projected first; then the appraisals are
published and a new instance of the service started, as in a replay: the clock runs from its
first decision to its last (the group join before it is shown apart). The mix of results is a
plausible year's: most Baik, some with a weak value (a recommended plan), some low results
(a mandatory plan), a few Sangat Baik two years running (talent pool), a periodic check each.

In-process it also counts the statements per batch (``BENCH_STATEMENTS=1`` lists them, with
their time) and the garbage collector's runs; its heap is not frozen as ``python -m <service>``
freezes it (kinerja_runtime.serve), so its collections cost more than a service's.

``BENCH_PROCESS=1``: the replay as a replica makes it (``make bench-province``'s replay phase,
on these events only): everything is published first, then ``python -m training_service`` is
started as a process of its own on a fresh database and group, and its CPU is read from /proc
from its first commit until every event is applied (start-up, group join, migrations apart).

``BENCH_EVENTS`` (default 10,000 annual appraisals), ``BENCH_PG`` (server URL without a
database, default postgresql+asyncpg://postgres@127.0.0.1:5432).
"""

import asyncio
import gc
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from kinerja_contracts import (
    AppraisalCompleted,
    CloudEventAttributes,
    EmployeeRegistered,
    IndikatorResult,
    PerformancePeriodOpened,
    PerilakuResult,
    encode,
)
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind
from sqlalchemy import event as sa_event

EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
PG = os.environ.get("BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")
AGENCIES = 4
LOG_LEVEL = os.environ.get("BENCH_LOG_LEVEL", "WARNING")
RATING = {
    Predikat.SANGAT_BAIK: (Ekspektasi.DI_ATAS, Ekspektasi.DI_ATAS),
    Predikat.BAIK: (Ekspektasi.SESUAI, Ekspektasi.SESUAI),
    Predikat.BUTUH_PERBAIKAN: (Ekspektasi.DI_BAWAH, Ekspektasi.SESUAI),
    Predikat.KURANG_MISCONDUCT: (Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH),
    Predikat.SANGAT_KURANG: (Ekspektasi.DI_BAWAH, Ekspektasi.DI_BAWAH),
}


def _appraisal(
    agency: str, nip: str, period_id: str, rng: random.Random, at: datetime, kind: str = "annual"
) -> AppraisalCompleted:
    roll = rng.random()
    predikat = (
        Predikat.BAIK
        if roll < 0.75
        else Predikat.SANGAT_BAIK
        if roll < 0.85
        else Predikat.BUTUH_PERBAIKAN
        if roll < 0.95
        else Predikat.SANGAT_KURANG
    )
    weak = (
        set(rng.sample(list(BerakhlakValue), 1))
        if predikat is not Predikat.SANGAT_BAIK and rng.random() < 0.2
        else set()
    )
    indikator = [
        IndikatorResult(
            iki_id=f"iki-{i}",
            rhk_id=f"rhk-{i // 2}",
            rhk_kind=RhkKind.UTAMA,
            aspect=Aspect.KUANTITAS,
            description="Jumlah layanan yang diselesaikan",
            target=100,
            realization=100 if predikat not in (Predikat.BUTUH_PERBAIKAN,) or i else 60,
            capaian=100,
            met=predikat is not Predikat.BUTUH_PERBAIKAN or i > 0,
        )
        for i in range(4)
    ]
    perilaku = [
        PerilakuResult(value=v, level=Ekspektasi.DI_BAWAH if v in weak else Ekspektasi.SESUAI, answers=5)
        for v in BerakhlakValue
    ]
    hasil, behaviour = RATING[predikat]
    return AppraisalCompleted(
        agency_id=agency,
        period_id=period_id,
        nip=nip,
        appraisal_id=f"apr-{uuid.uuid4().hex}",
        rating_hasil_kerja=hasil,
        rating_perilaku=behaviour,
        predikat=predikat,
        policy_version="default-1",
        completed_at=at,
        kind=kind,
        checkpoint_id="q2" if kind == "periodic" else None,
        summary=AppraisalSummary(
            indikator=indikator,
            perilaku=perilaku,
            average_capaian_utama=90.0,
            feedback_answers=5,
            # As appraisal-service states the gaps today (older producers left them null).
            weak_values=sorted(weak),
            missed_utama_iki_ids=[i.iki_id for i in indikator if not i.met],
        ),
    )


async def _send(producer: AIOKafkaProducer, events) -> None:
    for event in events:
        headers = CloudEventAttributes.for_event(event, "/kinerja/bench").to_kafka_headers()
        await producer.send(event.topic, encode(event), key=event.key().encode(), headers=headers)
    await producer.flush()


async def _count(sessions, table, **where) -> int:
    from sqlalchemy import func, select

    async with sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(table).where(*(table.c[k] == v for k, v in where.items()))
        )


async def _until(sessions, table, n: int) -> int:
    """Polls until ``table`` holds ``n`` rows; returns how many statements the polling ran."""
    polls = 1
    while await _count(sessions, table) < n:
        polls += 1
        await asyncio.sleep(0.05)
    return polls


class _Watch:
    """What the service's process spends between ``start`` and ``stop``: CPU, garbage collection
    (by generation) and the statements and commits on the service's engine."""

    def __init__(self, engine):
        self.engine = engine.sync_engine
        self.gc_seconds: dict[int, float] = defaultdict(float)
        self.gc_runs: dict[int, int] = defaultdict(int)
        self.statements = self.commits = 0
        self.kinds: Counter[str] = Counter()
        self.kind_seconds: dict[str, float] = defaultdict(float)
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.process_time()
        else:
            self.gc_seconds[info["generation"]] += time.process_time() - self._gc_started
            self.gc_runs[info["generation"]] += 1

    def _on_statement(self, conn, _cursor, statement: str, *_args) -> None:
        self.statements += 1
        kind = " ".join(statement.split()[:4])[:70]
        self.kinds[kind] += 1
        conn.info["bench_statement"] = kind, time.perf_counter()

    def _on_statement_done(self, conn, *_args) -> None:
        kind, started = conn.info.pop("bench_statement", (None, 0.0))
        if kind is not None:
            self.kind_seconds[kind] += time.perf_counter() - started

    def _on_commit(self, *_args) -> None:
        self.commits += 1

    def start(self) -> None:
        self.cpu = time.process_time()
        gc.callbacks.append(self._on_gc)
        sa_event.listen(self.engine, "before_cursor_execute", self._on_statement)
        sa_event.listen(self.engine, "after_cursor_execute", self._on_statement_done)
        sa_event.listen(self.engine, "commit", self._on_commit)

    def stop(self) -> None:
        self.cpu = time.process_time() - self.cpu
        gc.callbacks.remove(self._on_gc)
        sa_event.remove(self.engine, "before_cursor_execute", self._on_statement)
        sa_event.remove(self.engine, "after_cursor_execute", self._on_statement_done)
        sa_event.remove(self.engine, "commit", self._on_commit)


def _roster(agencies: list[str]) -> list:
    return [
        EmployeeRegistered(
            agency_id=agency,
            nip=nip,
            name=f"Pegawai {i}",
            position="Analis",
            unit="Bidang",
            appraiser_nip=_nip(EVENTS + i % 50),
        )
        for i, (agency, nip) in enumerate(_staff(agencies))
    ] + [
        PerformancePeriodOpened(
            agency_id=a, period_id=f"{a}-{y}", year=y, starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)
        )
        for a in agencies
        for y in (2024, 2025)
    ]


def _nip(i: int) -> str:
    """A well-formed NIP of its own for each ``i`` (the scenario's make_nip repeats after 21,000)."""
    born = date(1970, 1, 1) + timedelta(days=i // 1000)
    return f"{born:%Y%m%d}{2000 + i % 20}{1 + i % 12:02d}{1 + i % 2}{i % 1000:03d}"


def _staff(agencies: list[str]) -> list[tuple[str, str]]:
    return [(agencies[i % AGENCIES], _nip(i)) for i in range(EVENTS)]


def _appraisals(agencies: list[str]) -> list[AppraisalCompleted]:
    """A periodic check for a tenth, then the annual result (last year's too for a tenth: the
    talent pool); ``EVENTS`` in all."""
    rng = random.Random(7)
    staff = _staff(agencies)
    appraisals = [
        _appraisal(a, nip, f"{a}-2025", rng, datetime(2025, 7, 10, tzinfo=UTC), kind="periodic")
        for a, nip in staff[: EVENTS // 10]
    ]
    appraisals += [
        _appraisal(a, nip, f"{a}-2024", rng, datetime(2025, 1, 15, tzinfo=UTC))
        for a, nip in staff[EVENTS // 10 : EVENTS // 5]
    ]
    appraisals += [_appraisal(a, nip, f"{a}-2025", rng, datetime(2026, 1, 15, tzinfo=UTC)) for a, nip in staff]
    return appraisals[:EVENTS]


async def bench(bootstrap: str, url: str) -> dict:
    from kinerja_runtime.roster import known_employees
    from kinerja_runtime.settings import ServiceSettings
    from training_service.adapters.orm import plan_decisions
    from training_service.main import create_app

    agencies = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(AGENCIES)]

    def app():
        return create_app(
            ServiceSettings(
                service_name="training-service",
                database_url=url,
                kafka_bootstrap_servers=bootstrap,
                consumer_group=f"bench-training-{zlib.crc32(url.encode()):08x}",
                log_level=LOG_LEVEL,
                log_json=False,
            )
        )

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5, max_batch_size=256 * 1024
    )
    await producer.start()
    try:
        first = app()
        async with first.router.lifespan_context(first):
            started = time.perf_counter()
            roster = _roster(agencies)
            await _send(producer, roster)
            await _until(first.state.runtime.sessions, known_employees, EVENTS)
            roster_events, roster_s = len(roster), time.perf_counter() - started
            del roster
        # The appraisals wait on the topic, as in a replay; a new instance of the service
        # (same database and group) takes them from where the roster ended. The events made
        # here are dropped first, so the service's collector does not walk them.
        started = time.perf_counter()
        appraisals = _appraisals(agencies)
        await _send(producer, appraisals)
        count, published_s = len(appraisals), time.perf_counter() - started
        del appraisals
        gc.collect()
        second = app()
        async with second.router.lifespan_context(second):
            sessions = second.state.runtime.sessions
            watch = _Watch(second.state.runtime.engine)
            started = time.perf_counter()
            await _until(sessions, plan_decisions, 1)
            first_decision = time.perf_counter()
            watch.start()
            polls = await _until(sessions, plan_decisions, count)
            watch.stop()
            done = time.perf_counter()
    finally:
        await producer.stop()
    seconds = done - first_decision
    return {
        "roster_events": roster_events,
        "roster_seconds": roster_s,
        "appraisals": count,
        "publish_seconds": published_s,
        "start_seconds": first_decision - started,
        "seconds": seconds,
        "cpu_seconds": watch.cpu,
        "events_per_second": count / seconds,
        "gc_seconds": dict(watch.gc_seconds),
        "gc_runs": dict(watch.gc_runs),
        # The polling's own statements are not the consumer's; each ran in its own transaction.
        "statements": watch.statements - polls,
        "commits": watch.commits,
        "statement_kinds": [(kind, n, watch.kind_seconds[kind]) for kind, n in watch.kinds.most_common()],
    }


async def replay_process(bootstrap: str, url: str) -> dict:
    """Everything published, then the service started as a process of its own (as the province
    benchmark's replay does), measured from its first commit until every event is applied."""
    from kinerja_runtime.db import create_engine, session_factory
    from kinerja_runtime.roster import known_employees
    from training_service.adapters.orm import plan_decisions

    from kinerja_devtools.province_bench.measurements import cpu_seconds

    agencies = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(AGENCIES)]
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=False, linger_ms=5, max_batch_size=256 * 1024
    )
    await producer.start()
    try:
        started = time.perf_counter()
        roster = _roster(agencies)
        await _send(producer, roster)
        roster_events = len(roster)
        del roster
        appraisals = _appraisals(agencies)
        await _send(producer, appraisals)
        count = len(appraisals)
        del appraisals
        published_s = time.perf_counter() - started
    finally:
        await producer.stop()
    log_path = Path(tempfile.mkdtemp(prefix="bench-training-")) / "training-service.log"
    env = {
        **os.environ,
        "SERVICE_NAME": "training-service",
        "HTTP_PORT": str(_free_port()),
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "DATABASE_URL": url,
        "CONSUMER_GROUP": f"bench-training-{uuid.uuid4().hex[:8]}",
        "LOG_LEVEL": "INFO",
        "LOG_JSON": "true",
    }
    engine = create_engine(url, pool_size=1)
    sessions = session_factory(engine)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "training_service"], env=env, stdout=log, stderr=log)
    try:
        launched = time.perf_counter()
        while True:  # the tables exist once it has migrated; the first commit is a roster row or a decision
            try:
                if await _count(sessions, known_employees) or await _count(sessions, plan_decisions):
                    break
            except Exception:  # not migrated yet
                pass
            if process.poll() is not None:
                raise RuntimeError(f"training-service exited; see {log_path}")
            await asyncio.sleep(0.05)
        first_commit, startup_cpu = time.perf_counter(), cpu_seconds(process.pid)
        while await _count(sessions, plan_decisions) < count or await _count(sessions, known_employees) < EVENTS:
            await asyncio.sleep(0.05)
        done, cpu = time.perf_counter(), cpu_seconds(process.pid)
    finally:
        process.terminate()
        process.wait(30)
        await engine.dispose()
    batches = [
        entry["ms"]
        for entry in map(json.loads, log_path.read_text().splitlines())
        if entry.get("event") == "batch consumed"
    ]
    events = roster_events + count
    return {
        "events": events,
        "appraisals": count,
        "publish_seconds": published_s,
        "start_seconds": first_commit - launched,
        "startup_cpu_seconds": startup_cpu,
        "seconds": done - first_commit,
        "cpu_seconds": cpu - startup_cpu,
        "events_per_second": events / (done - first_commit),
        "batch_ms": batches,
        "log": str(log_path),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _with_database(run):
    import asyncpg

    name = f"bench_training_{uuid.uuid4().hex[:8]}"
    server = PG.replace("postgresql+asyncpg://", "postgresql://")
    admin = await asyncpg.connect(f"{server}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await run(f"{PG}/{name}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    from kinerja_runtime.embedded_broker import EmbeddedBroker

    with EmbeddedBroker() as broker:
        # Tansu grants no producer ids: the service's idempotent producer (the default) must be off.
        os.environ.update(broker.client_env)
        if os.environ.get("BENCH_PROCESS"):
            result = asyncio.run(_with_database(lambda url: replay_process(broker.bootstrap_servers, url)))
            _print_replay(result, broker.kind)
            return
        result = asyncio.run(_with_database(lambda url: bench(broker.bootstrap_servers, url)))
    print(f"\ntraining-service replay on PostgreSQL, broker {broker.kind}")
    print(f"  roster: {result['roster_events']} events projected in {result['roster_seconds']:.1f} s")
    gc_runs = ", ".join(
        f"gen{g} {result['gc_runs'][g]}x {1000 * result['gc_seconds'][g]:.0f} ms" for g in sorted(result["gc_runs"])
    )
    print(
        f"  appraisals: {result['appraisals']} published beforehand in {result['publish_seconds']:.1f} s; "
        f"first decision {result['start_seconds']:.1f} s after start (group join), then all decided in "
        f"{result['seconds']:.1f} s = {result['events_per_second']:,.0f} events/s; the service's process used "
        f"{result['cpu_seconds']:.1f} s of CPU = {result['appraisals'] / result['cpu_seconds']:,.0f} events per "
        f"CPU-second (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  CPU {1000 * result['cpu_seconds'] / result['appraisals']:.3f} ms per event; garbage collection: "
        f"{gc_runs or 'none'}; {result['statements']} statements in ~{result['commits']} transactions "
        f"(the polling's excluded: ~{result['statements'] / max(result['commits'], 1):.1f} per batch)\n"
    )
    if os.environ.get("BENCH_STATEMENTS"):
        for kind, n, seconds in result["statement_kinds"]:
            print(f"  {n:7d} {1000 * seconds:8.0f} ms  {kind}")


def _print_replay(result: dict, broker: str) -> None:
    batches = result["batch_ms"]
    print(f"\ntraining-service replay as a process of its own, on PostgreSQL, broker {broker}")
    print(
        f"  {result['events']} events ({result['appraisals']} appraisals, the rest roster and periods) published "
        f"in {result['publish_seconds']:.1f} s; the process's first commit {result['start_seconds']:.1f} s after "
        f"its start ({result['startup_cpu_seconds']:.2f} s of CPU), then everything applied in "
        f"{result['seconds']:.2f} s = {result['events_per_second']:,.0f} events/s"
    )
    print(
        f"  CPU {1000 * result['cpu_seconds'] / result['events']:.3f} ms per event over those seconds; "
        f"{len(batches)} batches, ms each: first {', '.join(f'{b:.0f}' for b in batches[:3])}, median "
        f"{statistics.median(batches) if batches else 0:.0f}, max {max(batches, default=0):.0f} "
        f"(load average {os.getloadavg()[0]:.1f}; the service's log: {result['log']})\n"
    )


if __name__ == "__main__":
    main()
