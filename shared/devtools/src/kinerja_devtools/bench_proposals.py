"""``make bench-proposals``: how fast period close turns into proposals.

Seeds appraisal-service's projections for one agency of N employees (roster in a unit tree
whose heads take their unit's result, an SKP of 3 RHK / 5 IKI, 5 realisations, 3 feedback
forms and a citizen rating each), queues every employee's appraisal as the per-employee close
does, and times the batch processor until every proposal is made. PostgreSQL with
``--postgres URL`` (or BENCH_DATABASE_URL / DATABASE_URL; a fresh database is created on that
server and dropped), else SQLite. Figures only; nothing here asserts.

    python -m kinerja_devtools.bench_proposals --employees 20000 --postgres postgresql+asyncpg://postgres@127.0.0.1/postgres
"""

import argparse
import asyncio
import os
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi
from kinerja_runtime import roster
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.serve import collect_less
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import event, insert
from sqlalchemy.engine import make_url

UNITS_PER_LEVEL = (1, 8, 5)  # dinas -> 8 bidang -> 5 seksi each: 49 units, 49 heads
LEVELS = [Ekspektasi.SESUAI.value, Ekspektasi.DI_ATAS.value, Ekspektasi.SESUAI.value, Ekspektasi.DI_BAWAH.value]


def nip(i: int) -> str:
    return f"{198001012005000000 + i}"


def _units(agency: str) -> list[dict]:
    units = [{"agency_id": agency, "unit_id": "dinas", "name": "Dinas", "parent_unit_id": None}]
    for b in range(UNITS_PER_LEVEL[1]):
        units.append({"agency_id": agency, "unit_id": f"bidang-{b}", "name": f"Bidang {b}", "parent_unit_id": "dinas"})
        for s in range(UNITS_PER_LEVEL[2]):
            units.append(
                {
                    "agency_id": agency,
                    "unit_id": f"seksi-{b}-{s}",
                    "name": f"Seksi {b}.{s}",
                    "parent_unit_id": f"bidang-{b}",
                }
            )
    return units


def _rhk() -> list[dict]:
    def iki(i, target, higher=True):
        return {
            "iki_id": f"iki-{i}",
            "aspect": "kuantitas",
            "description": f"Indikator {i}",
            "target": target,
            "unit": "dokumen",
            "higher_is_better": higher,
        }

    return [
        {"rhk_id": "rhk-1", "kind": "utama", "description": "Layanan", "indikator": [iki(1, 100), iki(2, 12)]},
        {"rhk_id": "rhk-2", "kind": "utama", "description": "Laporan", "indikator": [iki(3, 4), iki(4, 10, False)]},
        {"rhk_id": "rhk-3", "kind": "tambahan", "description": "Inovasi", "indikator": [iki(5, 1)]},
    ]


async def seed(uows: UnitOfWorkFactory, agency: str, period: str, employees: int) -> None:
    from appraisal_service.adapters.orm import appraisals_due, citizen_ratings, feedback_answers, realizations, targets

    units = _units(agency)
    # The first len(units) employees head the units; everyone else works in a seksi.
    seksi = [u["unit_id"] for u in units if u["unit_id"].startswith("seksi")]
    for i, unit in enumerate(units):
        unit.update(head_nip=nip(i), serves_public=True)
    now = datetime.now(UTC)
    rhk = _rhk()
    chunk = 2000
    for start in range(0, employees, chunk):
        staff = range(start, min(start + chunk, employees))
        unit_of = {i: units[i]["unit_id"] if i < len(units) else seksi[i % len(seksi)] for i in staff}
        async with uows() as uow:
            s = uow.session
            if start == 0:
                await s.execute(insert(roster.known_units), units)
                await s.execute(
                    insert(roster.known_periods),
                    [
                        {
                            "agency_id": agency,
                            "period_id": period,
                            "year": 2025,
                            "starts_on": datetime(2025, 1, 1).date(),
                            "ends_on": datetime(2025, 12, 31).date(),
                            "status": "closed",
                            "checkpoints": [],
                        }
                    ],
                )
            await s.execute(
                insert(roster.known_employees),
                [
                    {
                        "agency_id": agency,
                        "nip": nip(i),
                        "name": f"Pegawai {i}",
                        "position": "Analis",
                        "unit": unit_of[i],
                        "unit_id": unit_of[i],
                        "appraiser_nip": nip(0),
                    }
                    for i in staff
                ],
            )
            await s.execute(
                insert(targets),
                [
                    {
                        "agency_id": agency,
                        "period_id": period,
                        "nip": nip(i),
                        "skp_id": f"skp-{agency}-{i}",
                        "version": 1,
                        "rhk": rhk,
                    }
                    for i in staff
                ],
            )
            await s.execute(
                insert(realizations),
                [
                    {
                        "realization_id": f"r-{agency}-{i}-{k}",
                        "agency_id": agency,
                        "period_id": period,
                        "nip": nip(i),
                        "skp_id": f"skp-{agency}-{i}",
                        "iki_id": f"iki-{k}",
                        "value": float(80 + (i * 7 + k * 13) % 50),
                        "recorded_at": now,
                        "checkpoint_id": None,
                    }
                    for i in staff
                    for k in range(1, 6)
                ],
            )
            await s.execute(
                insert(feedback_answers),
                [
                    {
                        "feedback_id": f"f-{agency}-{i}-{source}",
                        "agency_id": agency,
                        "period_id": period,
                        "nip": nip(i),
                        "source": source,
                        "checkpoint_id": None,
                        "ratings": {v.value: LEVELS[(i + j + n) % len(LEVELS)] for j, v in enumerate(BerakhlakValue)},
                    }
                    for i in staff
                    for n, source in enumerate(("appraiser", "peer", "self"))
                ],
            )
            await s.execute(
                insert(citizen_ratings),
                [
                    {
                        "answer_id": f"c-{agency}-{i}",
                        "agency_id": agency,
                        "period_id": period,
                        "officer_nip": nip(i),
                        "mean_score": 3.0,
                        "answered_at": now,
                    }
                    for i in staff
                    if i % 4 == 0
                ],
            )
            await s.execute(
                insert(appraisals_due),
                [
                    {
                        "agency_id": agency,
                        "period_id": period,
                        "nip": nip(i),
                        "skp_id": f"skp-{agency}-{i}",
                        "skp_version": 1,
                        "realization_count": 5,
                        "due_at": now,
                        "queued_at": now,
                        "status": "pending",
                    }
                    for i in staff
                ],
            )
            await uow.commit()


async def run(url: str, employees: int, batch_size: int, workers: int = 1) -> dict:
    import appraisal_service.main
    from appraisal_service.service_layer.due import process_due_once
    from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

    await asyncio.to_thread(upgrade_to_head, Path(appraisal_service.main.__file__).parent / "migrations", url)
    engine = create_engine(url)
    uows = UnitOfWorkFactory(session_factory(engine), source="/kinerja/bench", kind=AppraisalUnitOfWork)
    agency, period = f"bench-{uuid.uuid4().hex[:6]}", "2025"
    started = time.perf_counter()
    await seed(uows, agency, period, employees)
    seeded = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE")
    batches: list[tuple[int, float]] = []
    statements = 0

    def counted(*_args) -> None:  # every statement sent, an executemany counted once
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", counted)

    async def drain() -> None:  # as each of the service's workers does, minus the waiting
        while True:
            t0 = time.perf_counter()
            settled = await process_due_once(uows, batch_size=batch_size)
            if not settled:
                return
            batches.append((settled, time.perf_counter() - t0))

    collect_less()  # as a service process does (kinerja_runtime.serve)
    rss_seeded = _peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(drain() for _ in range(workers if engine.dialect.name == "postgresql" else 1)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await engine.dispose()
    return {
        "employees": employees,
        "batch_size": batch_size,
        "workers": workers,
        "seed_seconds": round(seeded, 1),
        "seconds": round(elapsed, 2),
        "proposals_per_second": round(employees / elapsed),
        "batches": len(batches),
        "slowest_batch_ms": round(max(t for _, t in batches) * 1000),
        # This process's CPU (the service's share: the database's own is not in it).
        "cpu_ms_per_proposal": round(cpu * 1000 / employees, 3),
        # The last, empty claim included.
        "statements_per_batch": round(statements / max(1, len(batches)), 1),
        # Peak resident memory of this process, after seeding and after proposing: the second
        # is the service's peak only where it exceeds the first.
        "peak_rss_seeded_mb": rss_seeded,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


async def _create_database(server_url: str) -> tuple[str, str]:
    import asyncpg

    url = make_url(server_url)
    name = f"bench_proposals_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False), admin


async def _drop_database(admin: str, url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=int(os.environ.get("N", "20000")))
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="batches in flight at once (PostgreSQL)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server URL (a fresh database is made on it)",
    )
    args = parser.parse_args()

    async def go() -> dict:
        if args.postgres:
            url, admin = await _create_database(args.postgres)
            try:
                return await run(url, args.employees, args.batch_size, args.workers)
            finally:
                await _drop_database(admin, url)
        with tempfile.TemporaryDirectory() as tmp:
            return await run(f"sqlite+aiosqlite:///{tmp}/proposals.db", args.employees, args.batch_size, 1)

    figures = asyncio.run(go())
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"\nproposals after close, one agency of {figures['employees']:,} on {database}, "
        f"batches of {figures['batch_size']}, {figures['workers']} in flight:"
    )
    print(
        f"  {figures['proposals_per_second']:,} proposals/s ({figures['seconds']} s, {figures['batches']} batches, "
        f"slowest {figures['slowest_batch_ms']} ms; seeding took {figures['seed_seconds']} s)"
    )
    print(
        f"  CPU {figures['cpu_ms_per_proposal']} ms per proposal in this process, "
        f"{figures['statements_per_batch']} statements per batch"
    )
    print(f"  peak RSS {figures['peak_rss_mb']} MB (after seeding {figures['peak_rss_seeded_mb']} MB)\n")


if __name__ == "__main__":
    main()
