"""Periodic checkpoints inside a performance period (evaluasi periodik).

The official SKP form evaluates per quarter (TRIWULAN I–IV), so quarters are the default; an
agency may evaluate every 1, 2, 4, 6 or 12 months, or give its own windows."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from kinerja_contracts.limits import CHECKPOINTS_MAX
from kinerja_runtime.refusals import InvalidInput

LABELS = {1: "Bulan", 2: "Dwibulan", 3: "Triwulan", 4: "Caturwulan", 6: "Semester", 12: "Tahunan"}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MAX_CHECKPOINTS = CHECKPOINTS_MAX  # the contract's bound on PerformancePeriodOpened.checkpoints
DEFAULT_MONTHS = 3


@dataclass(frozen=True)
class Checkpoint:
    checkpoint_id: str
    name: str
    starts_on: date
    ends_on: date


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def every_months(starts_on: date, ends_on: date, months: int = DEFAULT_MONTHS) -> tuple[Checkpoint, ...]:
    """Consecutive windows of ``months`` from the period's first day; the last one ends with the period."""
    if months not in LABELS:
        raise InvalidInput(f"checkpoint_months must be one of {', '.join(map(str, LABELS))}", field="checkpoint_months")
    label, start = LABELS[months], starts_on
    windows: list[tuple[date, date]] = []
    while start <= ends_on:
        if len(windows) == MAX_CHECKPOINTS:
            raise InvalidInput(
                f"a period may have at most {MAX_CHECKPOINTS} checkpoints; choose longer ones",
                field="checkpoint_months",
            )
        end = min(_add_months(starts_on, months * (len(windows) + 1)) - timedelta(days=1), ends_on)
        windows.append((start, end))
        start = end + timedelta(days=1)
    return tuple(
        Checkpoint(f"{label.lower()}-{n}", label if len(windows) == 1 else f"{label} {ROMAN[n - 1]}", s, e)
        for n, (s, e) in enumerate(windows, start=1)
    )


def custom(starts_on: date, ends_on: date, windows: list[tuple[str, date, date]]) -> tuple[Checkpoint, ...]:
    """The agency's own windows: named, inside the period, in order and not overlapping."""
    if len(windows) > MAX_CHECKPOINTS:
        raise InvalidInput(f"a period may have at most {MAX_CHECKPOINTS} checkpoints", field="checkpoints")
    checkpoints: list[Checkpoint] = []
    for n, (name, start, end) in enumerate(windows, start=1):
        name = name.strip()
        if not name:
            raise _refused(n, "name", "needs a name")
        if end < start:
            raise _refused(n, "ends_on", f"({name}) ends before it starts")
        if start < starts_on or end > ends_on:
            raise _refused(
                n,
                "starts_on" if start < starts_on else "ends_on",
                f"({name}) lies outside the period {starts_on} – {ends_on}",
            )
        if checkpoints and start <= checkpoints[-1].ends_on:
            raise _refused(n, "starts_on", f"({name}) overlaps or precedes checkpoint {n - 1}")
        if any(c.name == name for c in checkpoints):
            raise _refused(n, "name", f"({name}): the name is used twice")
        checkpoints.append(Checkpoint(f"checkpoint-{n}", name, start, end))
    return tuple(checkpoints)


def _refused(n: int, field: str, reason: str) -> InvalidInput:
    """A refusal of the agency's n-th window, naming the request body's field (checkpoints.0.ends_on)."""
    at = f"checkpoints.{n - 1}.{field}"
    return InvalidInput(f"{at}: checkpoint {n} {reason}", field=at)
