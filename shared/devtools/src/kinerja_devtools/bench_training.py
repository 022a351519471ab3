"""``python -m kinerja_devtools.bench_training``: how fast training-service applies a year's
AppraisalCompleted events, on PostgreSQL (a fresh database it creates and drops) and the
embedded broker. Figures only; nothing here asserts.

The roster and the periods are published and projected first; then the appraisals are
published and a new instance of the service started, as in a replay: the clock runs from its
first decision to its last (the group join before it is shown apart). The mix of results is a
plausible year's: most Baik, some with a weak value (a recommended plan), some low results
(a mandatory plan), a few Sangat Baik two years running (talent pool), a periodic check each.

``BENCH_EVENTS`` (default 10,000 annual appraisals), ``BENCH_PG`` (server URL without a
database, default postgresql+asyncpg://postgres@127.0.0.1:5432).
"""

import asyncio
import os
import random
import time
import uuid
import zlib
from datetime import UTC, date, datetime

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

from kinerja_devtools.scenario import make_nip

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
            indikator=indikator, perilaku=perilaku, average_capaian_utama=90.0, feedback_answers=5
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


async def _until(sessions, table, n: int) -> None:
    while await _count(sessions, table) < n:
        await asyncio.sleep(0.05)


async def bench(bootstrap: str, url: str) -> dict:
    from kinerja_runtime.roster import known_employees
    from kinerja_runtime.settings import ServiceSettings
    from training_service.adapters.orm import plan_decisions
    from training_service.main import create_app

    rng = random.Random(7)
    agencies = [f"bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(AGENCIES)]
    staff = [(agencies[i % AGENCIES], make_nip(i)) for i in range(EVENTS)]
    roster = [
        EmployeeRegistered(
            agency_id=a,
            nip=nip,
            name=f"Pegawai {i}",
            position="Analis",
            unit="Bidang",
            appraiser_nip=make_nip(EVENTS + i % 50),
        )
        for i, (a, nip) in enumerate(staff)
    ]
    periods = [
        PerformancePeriodOpened(
            agency_id=a, period_id=f"{a}-{y}", year=y, starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)
        )
        for a in agencies
        for y in (2024, 2025)
    ]
    # A periodic check for everyone, then the annual result (last year's too for a tenth: the talent pool).
    appraisals = [
        _appraisal(a, nip, f"{a}-2025", rng, datetime(2025, 7, 10, tzinfo=UTC), kind="periodic")
        for a, nip in staff[: EVENTS // 10]
    ]
    appraisals += [
        _appraisal(a, nip, f"{a}-2024", rng, datetime(2025, 1, 15, tzinfo=UTC))
        for a, nip in staff[EVENTS // 10 : EVENTS // 5]
    ]
    appraisals += [_appraisal(a, nip, f"{a}-2025", rng, datetime(2026, 1, 15, tzinfo=UTC)) for a, nip in staff]
    appraisals = appraisals[:EVENTS]

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
            await _send(producer, [*roster, *periods])
            await _until(first.state.runtime.sessions, known_employees, len(roster))
            roster_s = time.perf_counter() - started
        # The appraisals wait on the topic, as in a replay; a new instance of the service
        # (same database and group) takes them from where the roster ended.
        started = time.perf_counter()
        await _send(producer, appraisals)
        published_s = time.perf_counter() - started
        second = app()
        async with second.router.lifespan_context(second):
            sessions = second.state.runtime.sessions
            started = time.perf_counter()
            await _until(sessions, plan_decisions, 1)
            first_decision, cpu = time.perf_counter(), time.process_time()
            await _until(sessions, plan_decisions, len(appraisals))
            done, cpu = time.perf_counter(), time.process_time() - cpu
    finally:
        await producer.stop()
    seconds = done - first_decision
    return {
        "roster_events": len(roster) + len(periods),
        "roster_seconds": roster_s,
        "appraisals": len(appraisals),
        "publish_seconds": published_s,
        "start_seconds": first_decision - started,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "events_per_second": len(appraisals) / seconds,
    }


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
        result = asyncio.run(_with_database(lambda url: bench(broker.bootstrap_servers, url)))
    print(f"\ntraining-service replay on PostgreSQL, broker {broker.kind}")
    print(f"  roster: {result['roster_events']} events projected in {result['roster_seconds']:.1f} s")
    print(
        f"  appraisals: {result['appraisals']} published beforehand in {result['publish_seconds']:.1f} s; "
        f"first decision {result['start_seconds']:.1f} s after start (group join), then all decided in "
        f"{result['seconds']:.1f} s = {result['events_per_second']:,.0f} events/s; the service's process used "
        f"{result['cpu_seconds']:.1f} s of CPU = {result['appraisals'] / result['cpu_seconds']:,.0f} events per "
        f"CPU-second (load average {os.getloadavg()[0]:.1f})\n"
    )


if __name__ == "__main__":
    main()
