"""A service process tunes the garbage collector for its batches before it serves (in a child
process here, so the test run keeps CPython's defaults)."""

import subprocess
import sys

from kinerja_runtime.serve import GC_YOUNGEST_THRESHOLD


def test_a_serving_process_collects_its_youngest_generation_less_often():
    script = (
        "import gc; from kinerja_runtime.serve import collect_less; before = gc.get_threshold(); collect_less(); "
        "print(gc.get_threshold()[0], gc.get_threshold()[1:] == before[1:])"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(GC_YOUNGEST_THRESHOLD), "True"]
