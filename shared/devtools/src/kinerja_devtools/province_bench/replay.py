"""Replaying the year: a fresh replica of a service, on a new database and in a new consumer
group, reads every topic its live group reads from the beginning. Its rate is the records of
those topics (as they stood when it started) over the seconds from its first commit until its
committed offsets reach their ends; its CPU per event over the same window
(``consuming_cpu_ms_per_event``), the process's start-up (imports, migrations, group join)
given apart (``startup_cpu_s``), as the phase's CPU per op counts both."""

import asyncio
import time

from kinerja_contracts.catalogue import ALL_TOPICS

from kinerja_devtools.province_bench.kafka import committed_offsets, topic_bounds
from kinerja_devtools.province_bench.measurements import ProcessMemory, Recorder, cpu_seconds
from kinerja_devtools.province_bench.stack import BenchStack


async def replay(
    stack: BenchStack,
    recorder: Recorder,
    memory: ProcessMemory,
    service: str,
    *,
    wait_seconds: float = 600.0,
    poll_seconds: float = 0.25,
) -> None:
    bootstrap = stack.bootstrap_servers
    # The live service's group has committed on every partition it read: those are its topics.
    everything = await topic_bounds(bootstrap, [t.name for t in ALL_TOPICS])
    read = await committed_offsets(bootstrap, service, list(everything))
    topics = sorted({tp.topic for tp in read})
    bounds = {tp: span for tp, span in everything.items() if tp.topic in topics}
    events = sum(end - begin for begin, end in bounds.values())
    process, group = f"{service}-replay", f"{service}-replay-{stack.run_id}"
    async with recorder.phase(f"replay {service}", events, unit="event") as p:
        p.figures.update({"topics": ", ".join(topics), "events": events})
        launched = time.perf_counter()
        pid = await stack.start_replica(service, process, group)
        memory.watch(process, pid)
        ready = asyncio.create_task(stack.wait_ready(process))
        # The rate runs from the last look that found nothing consumed yet (migrations and the
        # group join are startup, not consuming) to the look that finds the group at the end.
        deadline = time.monotonic() + wait_seconds
        idle_until = time.perf_counter()
        idle_cpu = cpu_seconds(pid)
        while True:
            looked, looked_cpu = time.perf_counter(), cpu_seconds(pid)
            committed = await committed_offsets(bootstrap, group, list(bounds))
            p.ops = sum(min(max(committed.get(tp, begin), begin), end) - begin for tp, (begin, end) in bounds.items())
            if p.ops == 0:
                idle_until, idle_cpu = looked, looked_cpu
            if p.ops >= events or ready.done() and ready.exception() is not None:
                break
            if time.monotonic() > deadline:
                p.failed(
                    "timeout", p.name, f"{events - p.ops} of {events} events not consumed after {wait_seconds:.0f} s"
                )
                break
            await asyncio.sleep(poll_seconds)
        p.seconds = time.perf_counter() - idle_until
        p.figures["first_commit_after_s"] = round(idle_until - launched, 3)
        end_cpu = cpu_seconds(pid)
        if idle_cpu is not None and end_cpu is not None and p.ops:
            p.figures["startup_cpu_s"] = round(idle_cpu, 2)
            p.figures["consuming_cpu_ms_per_event"] = round(1000 * (end_cpu - idle_cpu) / p.ops, 3)
        try:
            await ready
            p.figures["ready_after_s"] = round(time.perf_counter() - launched, 3)
        except Exception as exc:  # counted, and the run goes on to the next consumer
            p.failed("not ready", p.name, str(exc))
    memory.forget(process)
    stack.stop_process(process)
