"""What the commands print: plain text tables that read on a terminal and in a Job's log."""

from collections.abc import Sequence
from datetime import UTC, datetime


def table(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns as wide as their widest cell, separated by two spaces; the last not padded."""
    cells = [[str(h) for h in headings], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return instant(value)
    return str(value)


def instant(value: datetime) -> str:
    """An instant in UTC to the second, as ISO 8601 (what --since and --until take)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``3 outbox rows``, ``1 outbox row``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
