"""What a phase measures: its seconds and operations, errors by HTTP status with a few sample
bodies, each service process's peak resident memory and CPU time, and a progress line while it
runs."""

import asyncio
import os
import sys
import time
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES_PER_PHASE = 3


@dataclass
class Phase:
    name: str
    total: int = 0  # operations expected, for the progress line (0 when unknown)
    ops: int = 0
    seconds: float = 0.0
    errors: Counter = field(default_factory=Counter)
    samples: list[dict] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    figures: dict[str, float | int | str | None] = field(default_factory=dict)  # the phase's own figures
    unit: str = "req"

    @property
    def rate(self) -> float | None:
        return self.ops / self.seconds if self.seconds > 0 and self.ops else None

    def done(self, n: int = 1) -> None:
        self.ops += n

    def failed(self, status: int | str, what: str, body: str) -> None:
        self.errors[str(status)] += 1
        if len(self.samples) < SAMPLES_PER_PHASE:
            self.samples.append({"status": str(status), "request": what, "body": body[:400]})

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "seconds": round(self.seconds, 3),
            "ops": self.ops,
            "expected_ops": self.total,
            "unit": self.unit,
            "ops_per_second": round(self.rate, 1) if self.rate else None,
            "errors": dict(self.errors),
            "error_samples": self.samples,
            "peak_rss_mb": self.peak_rss_mb,
            "cpu_seconds": self.cpu_seconds,
            "cpu_ms_per_op": {k: round(1000 * v / self.ops, 3) for k, v in self.cpu_seconds.items()}
            if self.ops
            else {},
            "figures": self.figures,
        }


class ProcessMemory:
    """Peak resident set size of processes, per phase, read from /proc.

    At a phase's start each process's high-water mark is reset (``5`` into clear_refs); at its
    end VmHWM is that phase's peak. Where the reset is refused, VmRSS sampled every 0.2 s
    gives the peak instead (a lower bound)."""

    def __init__(self, pids: dict[str, int]):
        self.pids = dict(pids)
        self._sampled: dict[str, int] = {}
        self._reset_ok: dict[str, bool] = {}
        self._task: asyncio.Task | None = None

    def watch(self, name: str, pid: int) -> None:
        """A process started during the phase: its own high-water mark is the phase's peak."""
        self.pids[name] = pid
        self._reset_ok[name] = True

    def forget(self, name: str) -> None:
        self.pids.pop(name, None)

    @staticmethod
    def _status_kb(pid: int, key: str) -> int | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            return None
        return None

    def start(self) -> None:
        self._sampled = {}
        for name, pid in self.pids.items():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
                self._reset_ok[name] = True
            except OSError:
                self._reset_ok[name] = False
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            for name, pid in self.pids.items():
                rss = self._status_kb(pid, "VmRSS")
                if rss is not None:
                    self._sampled[name] = max(self._sampled.get(name, 0), rss)
            await asyncio.sleep(0.2)

    async def stop(self) -> dict[str, float]:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        peaks = {}
        for name, pid in self.pids.items():
            hwm = self._status_kb(pid, "VmHWM") if self._reset_ok.get(name) else None
            kb = max(hwm or 0, self._sampled.get(name, 0))
            if kb:
                peaks[name] = round(kb / 1024, 1)
        return peaks


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class ProcessCpu:
    """CPU seconds each process spent in a phase, PostgreSQL's processes summed as ``postgres``
    and this driver as ``driver``. Unlike a rate, CPU per operation does not depend on what else
    the machine was doing, so it is the figure to plan capacity with (deploy/CAPACITY.md).
    PostgreSQL backends that end during a phase are not counted (the services' pools keep theirs)."""

    def __init__(self, memory: "ProcessMemory"):
        self.memory = memory  # shares its list of processes (replicas come and go)
        self._start: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        now = {name: cpu_seconds(pid) for name, pid in self.memory.pids.items()}
        postgres = [cpu_seconds(pid) for pid in _postgres_pids()]
        now["postgres"] = sum(s for s in postgres if s is not None)
        now["driver"] = time.process_time()
        return {name: s for name, s in now.items() if s is not None}

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> dict[str, float]:
        now = self._now()
        return {name: round(s - self._start.get(name, 0.0), 2) for name, s in now.items()}


class ProgressLine:
    """``phase  done/total  rate/s  errors`` rewritten in place on stderr, when it is a terminal."""

    def __init__(self, phase: Phase, stream=sys.stderr):
        self.phase = phase
        self.stream = stream
        self.live = stream.isatty()
        self._task: asyncio.Task | None = None
        self._started = time.perf_counter()

    def _line(self) -> str:
        p = self.phase
        elapsed = time.perf_counter() - self._started
        width = 24
        filled = int(width * min(1.0, p.ops / p.total)) if p.total else 0
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {p.ops}/{p.total}" if p.total else f"{p.ops}"
        rate = p.ops / elapsed if elapsed > 0 else 0.0
        errors = sum(p.errors.values())
        return f"  {p.name:<28} {bar:<40} {rate:8.1f} {p.unit}/s  {elapsed:6.1f} s" + (
            f"  errors {errors}" if errors else ""
        )

    async def _draw(self) -> None:
        while True:
            self.stream.write("\r" + self._line() + "\x1b[K")
            self.stream.flush()
            await asyncio.sleep(0.25)

    def start(self) -> None:
        self._started = time.perf_counter()
        if self.live:
            self._task = asyncio.create_task(self._draw())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self.stream.write(("\r" if self.live else "") + self._line() + ("\x1b[K" if self.live else "") + "\n")
        self.stream.flush()


class Recorder:
    """Runs phases one after another; ``async with recorder.phase(name, total) as p``."""

    def __init__(self, memory: ProcessMemory):
        self.memory = memory
        self.cpu = ProcessCpu(memory)
        self.phases: list[Phase] = []
        self.current: Phase | None = None

    @asynccontextmanager
    async def phase(self, name: str, total: int = 0, unit: str = "req"):
        phase = Phase(name, total=total, unit=unit)
        self.phases.append(phase)
        self.current = phase
        progress = ProgressLine(phase)
        self.memory.start()
        self.cpu.start()
        progress.start()
        started = time.perf_counter()
        try:
            yield phase
        finally:
            if not phase.seconds:  # a phase may set its own span (e.g. from the close to the last proposal)
                phase.seconds = time.perf_counter() - started
            await progress.stop()
            phase.cpu_seconds = self.cpu.stop()
            phase.peak_rss_mb = await self.memory.stop()
            self.current = None
