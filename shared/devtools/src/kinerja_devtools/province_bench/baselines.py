"""What the machine does without Kinerja in the way, in the same run: raw aiokafka consume on
the same broker, asyncpg executemany on the same PostgreSQL."""

import time

import asyncpg


async def executemany_rate(dsn: str, rows: int = 50_000) -> dict:
    """Rows per second into a temporary table, realisation-shaped rows, one executemany."""
    values = [
        (
            f"1970010120000110{i % 100:02d}",
            f"period-{i % 4}",
            f"iki-{i}",
            float(i % 150),
            f"https://arsip.example.go.id/bukti/iki-{i}",
        )
        for i in range(rows)
    ]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TEMP TABLE bench_rows (nip text, period_id text, iki_id text, value double precision,"
            " evidence text)"
        )
        started = time.perf_counter()
        await conn.executemany("INSERT INTO bench_rows VALUES ($1, $2, $3, $4, $5)", values)
        seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return {"rows": rows, "seconds": round(seconds, 3), "per_second": round(rows / seconds, 1)}
