"""A running consumer's view of where a log ends (kinerja_runtime.log_end)."""

from kinerja_runtime.log_end import known_end


def test_a_running_consumers_end_is_the_larger_it_knows():
    assert known_end(1, 5) == 5 and known_end(7, 5) == 7
    assert known_end(None, 5) == 5 and known_end(3, None) == 3 and known_end(None, None) is None
