"""``make bench-province`` end to end at a tiny size, so the benchmark cannot rot: the year
runs through the real services with no refused request, every phase is in the JSON, and the
databases it made are gone afterwards. Figures are not asserted (tests never time anything)."""

import asyncio
import json

import asyncpg
import pytest
from kinerja_devtools.province_bench.databases import DEFAULT_ADMIN_DSN
from kinerja_devtools.province_bench.run import run

pytestmark = pytest.mark.e2e

N = 24  # in 2 agencies: a Kepala Dinas, a Kepala Bidang and 10 staff each

PHASES = [
    "roster import",
    "period and IKU",
    "SKPs top-down",
    "realisations",
    "feedback rounds",
    "appraisal catch-up",
    "period close",
    "proposals",
    "confirmations",
    "plan decisions",
    "replay appraisal-service",
    "replay training-service",
]


async def _databases_named(like: str) -> list[str]:
    conn = await asyncpg.connect(DEFAULT_ADMIN_DSN, timeout=5)
    try:
        return [r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", like)]
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def postgres():
    try:
        asyncio.run(_databases_named("postgres"))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"the province benchmark needs PostgreSQL at {DEFAULT_ADMIN_DSN}: {exc!r}")


def test_province_year_and_replay_complete_without_errors(postgres, tmp_path):
    path, result = run(n=N, agencies=2, out_dir=tmp_path, wait_seconds=60)

    assert json.loads(path.read_text()) == result
    assert result["failed"] is None
    assert result["errors_total"] == 0, [s for p in result["phases"] for s in p["error_samples"]]
    phases = {p["name"]: p for p in result["phases"]}
    assert list(phases) == PHASES
    for phase in result["phases"]:  # every request made, every proposal and decision seen, every event replayed
        assert phase["ops"] == phase["expected_ops"] > 0, phase
    assert phases["SKPs top-down"]["ops"] == 3 * N
    assert phases["proposals"]["ops"] == phases["plan decisions"]["ops"] == N
    for name in ("replay appraisal-service", "replay training-service"):
        assert phases[name]["figures"]["events"] == phases[name]["ops"]
    # CPU per operation (the capacity plan's figure) is read for every service and PostgreSQL.
    skps = phases["SKPs top-down"]
    assert {"target-service", "postgres", "driver"} <= set(skps["cpu_ms_per_op"]), skps["cpu_seconds"]
    assert skps["cpu_seconds"]["target-service"] > 0
    assert result["baselines"]["aiokafka_consume"]["messages"] > 0
    assert result["baselines"]["asyncpg_executemany"]["rows"] > 0
    assert asyncio.run(_databases_named(f"kb_%_{result['run_id']}")) == []
