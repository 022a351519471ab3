"""Runs the province benchmark: start the stack on fresh databases, drive the year, replay,
measure the baselines, report; the processes stop and the databases are dropped whatever
happens, Ctrl-C and SIGTERM included.

``python -m kinerja_devtools.province_bench --n 1000 --agencies 4``
"""

import argparse
import asyncio
import os
import platform
import signal
import sys
import uuid
from datetime import datetime
from pathlib import Path

from kinerja_devtools.province_bench import report
from kinerja_devtools.province_bench.baselines import executemany_rate
from kinerja_devtools.province_bench.client import Client
from kinerja_devtools.province_bench.kafka import raw_consume_rate
from kinerja_devtools.province_bench.measurements import ProcessMemory, Recorder
from kinerja_devtools.province_bench.phases import Year
from kinerja_devtools.province_bench.province import build_province
from kinerja_devtools.province_bench.replay import replay
from kinerja_devtools.province_bench.stack import BenchStack

REPLAYED = ("appraisal-service", "training-service")


async def drive(stack: BenchStack, n: int, agencies: int, concurrency: int, wait_seconds: float, so_far: dict) -> dict:
    """``so_far`` holds the phases and waits as they happen, for a report after an interruption."""
    memory = ProcessMemory(stack.pids)
    recorder = Recorder(memory)
    client = Client(stack.urls, recorder, concurrency)
    year = Year(client, recorder, build_province(n, agencies, stack.run_id), wait_seconds=wait_seconds)
    so_far.update(phases=recorder.phases, waits=year.waits)
    try:
        await year.run()
    finally:
        await client.close()
    for service in REPLAYED:
        await replay(stack, recorder, memory, service, wait_seconds=wait_seconds)
    baselines = {
        "aiokafka_consume": await raw_consume_rate(stack.bootstrap_servers, "kinerja.targets"),
        "asyncpg_executemany": await executemany_rate(stack.database_dsn("target-service")),
    }
    return {"phases": recorder.phases, "baselines": baselines, "waits": year.waits}


def _interrupt(signum, _frame):
    # SIGTERM takes the same way out as Ctrl-C, through every finally: processes stop, databases go.
    raise KeyboardInterrupt(f"signal {signum}")


def run(
    n: int, agencies: int, concurrency: int = 48, out_dir: Path = Path(".data"), wait_seconds: float | None = None
) -> tuple[Path, dict]:
    """Returns the JSON's path and its content."""
    started = datetime.now()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    run_id = uuid.uuid4().hex[:8]
    stack = BenchStack(out_dir / f"bench-province-{n}-{started:%Y%m%d-%H%M%S}", run_id)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    so_far: dict = {"phases": [], "waits": {}, "baselines": {}}
    interrupted, failure = False, None
    try:
        print(
            f"province benchmark {run_id}: starting the broker and four services on fresh PostgreSQL databases ...",
            file=sys.stderr,
            flush=True,
        )
        stack.start()
        measured = asyncio.run(drive(stack, n, agencies, concurrency, wait_seconds or 600.0 + 0.3 * n, so_far))
    except KeyboardInterrupt:
        interrupted, measured = True, so_far  # report what was measured, then leave as interrupted
    except Exception as exc:
        # A late phase failing (a replica that cannot start, a wait that times out) still leaves
        # the earlier phases' figures worth keeping: report them, then fail.
        failure, measured = exc, so_far
    finally:
        broker = stack.dev.broker.kind if stack.dev.broker else "?"
        print("stopping the services and dropping the databases ...", file=sys.stderr, flush=True)
        failed = stack.stop()
        signal.signal(signal.SIGTERM, previous)
        for line in failed:
            print(f"could not drop {line}", file=sys.stderr)
    meta = {
        "run_id": run_id,
        "interrupted": interrupted,
        "failed": None if failure is None else f"{type(failure).__name__}: {failure}",
        "n": n,
        "agencies": agencies,
        "concurrency": concurrency,
        "started_at": started.isoformat(timespec="seconds"),
        "broker": broker,
        "database": "PostgreSQL at " + stack.databases.url_prefix.split("@")[-1].rstrip("/"),
        "machine": f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        # Other work on the machine skews every figure: the load before and after says how much.
        "load_average": {"start": load_at_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "logs": str(stack.dev.data_dir / "logs"),
    }
    result = report.build(meta, measured["phases"], measured["baselines"], measured["waits"])
    path = report.write(result, out_dir / f"bench-province-{n}-{started:%Y%m%d-%H%M%S}.json")
    print(report.render(result))
    print(f"\nJSON: {path}\n")
    if interrupted:
        raise KeyboardInterrupt
    if failure is not None:
        raise failure
    return path, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="employees in the province")
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=48, help="HTTP requests in flight")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("DATA_DIR", ".data")))
    parser.add_argument(
        "--wait-seconds", type=float, default=None, help="longest wait for a service to catch up (default 600 + 0.3 N)"
    )
    args = parser.parse_args(argv)
    try:
        run(args.n, args.agencies, args.concurrency, args.out, args.wait_seconds)
    except KeyboardInterrupt:
        sys.exit("interrupted; services stopped and databases dropped")


if __name__ == "__main__":
    main()
