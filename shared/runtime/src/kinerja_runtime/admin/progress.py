"""Progress bars on long work (tqdm, on stderr): a bar on a terminal, nothing in a log, where
the command's summary line says the outcome."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress(total: int, description: str, unit: str) -> Iterator[tqdm]:
    """``bar.update(n)`` as work is done; ``bar.set_postfix_str(...)`` for a running count."""
    bar = tqdm(
        total=total,
        desc=description,
        unit=f" {unit}",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        dynamic_ncols=True,
        leave=True,
    )
    try:
        yield bar
    finally:
        bar.close()
