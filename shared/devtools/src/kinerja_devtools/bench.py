"""``make bench``: performance figures of the parts that carry load, on the embedded broker
and SQLite (or PostgreSQL with BENCH_DATABASE_URL). Figures only; nothing here asserts."""

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from kinerja_contracts import EmployeeRegistered
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.embedded_broker import EmbeddedBroker
from kinerja_runtime.messaging import broker_publisher, create_broker
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.outbox import OutboxRelay, pending_count
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.uow import UnitOfWorkFactory

from kinerja_devtools.scenario import make_nip

EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))


def bench_propose(rounds: int = 2000) -> tuple[str, str]:
    from appraisal_service.domain import FeedbackAnswer, IndikatorInput, propose

    indikator = [
        IndikatorInput(
            f"iki-{i}",
            f"rhk-{i // 2}",
            RhkKind.UTAMA if i < 4 else RhkKind.TAMBAHAN,
            Aspect.KUANTITAS,
            "x",
            100.0,
            True,
            90.0 + i,
        )
        for i in range(6)
    ]
    answers = [
        FeedbackAnswer(source, value, Ekspektasi.SESUAI) for source in FeedbackSource for value in BerakhlakValue
    ]
    started = time.perf_counter()
    for _ in range(rounds):
        propose(indikator, answers)
    per_second = rounds / (time.perf_counter() - started)
    return "appraisal proposal (6 IKI, 28 answers)", f"{per_second:,.0f} appraisals/s"


async def bench_outbox(bootstrap: str, url: str) -> list[tuple[str, str]]:
    import feedback_service.main

    migrations = Path(feedback_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    uows = UnitOfWorkFactory(sessions, source="/kinerja/bench")
    agency = f"bench-{uuid.uuid4().hex[:6]}"

    latencies = []
    started = time.perf_counter()
    for i in range(EVENTS):
        t0 = time.perf_counter()
        async with uows() as uow:
            await uow.publish(
                EmployeeRegistered(
                    agency_id=agency, nip=make_nip(i), name=f"Pegawai {i}", position="Analis", unit="Bidang"
                )
            )
            await uow.commit()
        latencies.append(time.perf_counter() - t0)
    write_rate = EVENTS / (time.perf_counter() - started)

    settings = ServiceSettings()
    broker = create_broker(
        bootstrap,
        "bench",
        acks=settings.kafka_acks,
        linger_ms=settings.kafka_linger_ms,
        max_batch_bytes=settings.kafka_max_batch_bytes,
    )
    await broker.start()
    relay = OutboxRelay(sessions, broker_publisher(broker), batch_size=settings.outbox_batch_size)
    started = time.perf_counter()
    while await pending_count(sessions):
        await relay.relay_once()
    relay_rate = EVENTS / (time.perf_counter() - started)
    await broker.stop()
    await engine.dispose()
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    return [
        ("state change + outbox row, one transaction", f"{write_rate:,.0f} commits/s (p95 {p95:.1f} ms)"),
        ("outbox relay to the broker, in order", f"{relay_rate:,.0f} events/s"),
    ]


async def bench_consumer(bootstrap: str, url: str) -> tuple[str, str]:
    """End to end through the inbox: events on kinerja.employees until projected."""
    from feedback_service.main import create_app
    from kinerja_runtime.roster import known_employees
    from sqlalchemy import func, select

    from kinerja_devtools.bench_feed import publish_employees

    agency = f"bench-{uuid.uuid4().hex[:6]}"
    app = create_app(
        ServiceSettings(
            service_name="feedback-service",
            database_url=url,
            kafka_bootstrap_servers=bootstrap,
            consumer_group=f"bench-{uuid.uuid4().hex[:6]}",
            log_level="WARNING",
        )
    )
    async with app.router.lifespan_context(app):
        started = time.perf_counter()
        await publish_employees(bootstrap, agency, EVENTS)
        sessions = app.state.runtime.sessions
        while True:
            async with sessions() as session:
                done = await session.scalar(
                    select(func.count()).select_from(known_employees).where(known_employees.c.agency_id == agency)
                )
            if done >= EVENTS:
                break
            await asyncio.sleep(0.2)
        rate = EVENTS / (time.perf_counter() - started)
    return "consumer: decode, inbox check, effect, commit, ack", f"{rate:,.0f} events/s"


def main() -> None:
    rows = [bench_propose()]
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker() as broker:
        os.environ.update(broker.client_env)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/bench.db"
        consumer_url = os.environ.get("BENCH_CONSUMER_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp}/consumer.db"
        rows += asyncio.run(bench_outbox(broker.bootstrap_servers, url))
        rows.append(asyncio.run(bench_consumer(broker.bootstrap_servers, consumer_url)))
        print(f"\nKinerja benchmarks: {EVENTS} events, broker {broker.kind}, database {url.split('://')[0]}\n")
    width = max(len(name) for name, _ in rows)
    for name, figure in rows:
        print(f"  {name:<{width}}  {figure}")
    print()


if __name__ == "__main__":
    main()
