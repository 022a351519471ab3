from datetime import date

import pytest
from kinerja_runtime.refusals import InvalidInput
from target_service.domain.checkpoints import custom, every_months
from target_service.domain.period import open_period


def test_a_period_is_evaluated_per_quarter_by_default():
    p = open_period("p1", "a1", 2025)
    assert [(c.checkpoint_id, c.name, c.starts_on, c.ends_on) for c in p.checkpoints] == [
        ("triwulan-1", "Triwulan I", date(2025, 1, 1), date(2025, 3, 31)),
        ("triwulan-2", "Triwulan II", date(2025, 4, 1), date(2025, 6, 30)),
        ("triwulan-3", "Triwulan III", date(2025, 7, 1), date(2025, 9, 30)),
        ("triwulan-4", "Triwulan IV", date(2025, 10, 1), date(2025, 12, 31)),
    ]


def test_other_lengths_and_periods_not_starting_in_january():
    assert [c.name for c in every_months(date(2025, 1, 1), date(2025, 12, 31), 6)] == ["Semester I", "Semester II"]
    assert [c.name for c in every_months(date(2025, 1, 1), date(2025, 12, 31), 12)] == ["Tahunan"]
    assert len(every_months(date(2025, 1, 1), date(2025, 12, 31), 1)) == 12
    shifted = every_months(date(2025, 7, 1), date(2026, 6, 30), 4)
    assert [(c.starts_on, c.ends_on) for c in shifted] == [
        (date(2025, 7, 1), date(2025, 10, 31)),
        (date(2025, 11, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 6, 30)),
    ]
    short = every_months(date(2025, 1, 1), date(2025, 8, 15), 3)
    assert [c.ends_on for c in short] == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 8, 15)]
    with pytest.raises(InvalidInput, match="checkpoint_months"):
        every_months(date(2025, 1, 1), date(2025, 12, 31), 5)


def test_custom_windows_must_be_named_inside_and_in_order():
    windows = custom(
        date(2025, 1, 1),
        date(2025, 12, 31),
        [("Semester I", date(2025, 1, 1), date(2025, 6, 30)), ("Akhir", date(2025, 7, 1), date(2025, 12, 31))],
    )
    assert [c.checkpoint_id for c in windows] == ["checkpoint-1", "checkpoint-2"]
    for bad, reason, field in [
        ([("A", date(2024, 12, 1), date(2025, 1, 31))], "outside the period", "checkpoints.0.starts_on"),
        ([("A", date(2025, 12, 1), date(2026, 1, 31))], "outside the period", "checkpoints.0.ends_on"),
        ([("A", date(2025, 3, 1), date(2025, 2, 1))], "ends before", "checkpoints.0.ends_on"),
        (
            [("A", date(2025, 1, 1), date(2025, 6, 30)), ("B", date(2025, 6, 1), date(2025, 7, 1))],
            "overlaps",
            "checkpoints.1.starts_on",
        ),
        ([(" ", date(2025, 1, 1), date(2025, 6, 30))], "needs a name", "checkpoints.0.name"),
    ]:
        with pytest.raises(InvalidInput, match=reason) as caught:
            custom(date(2025, 1, 1), date(2025, 12, 31), bad)
        assert caught.value.details == {"field": field}
    assert open_period("p1", "a1", 2025, windows=[]).checkpoints == ()


def test_a_value_names_a_checkpoint_of_the_period_when_it_has_any():
    p = open_period("p1", "a1", 2025)
    assert p.checkpoint("triwulan-4").name == "Triwulan IV"
    with pytest.raises(InvalidInput, match="checkpoint_id is required"):
        p.checkpoint(None)
    with pytest.raises(InvalidInput, match="checkpoint_id is not a checkpoint of this period") as caught:
        p.checkpoint("semester-1")
    assert caught.value.details == {"field": "checkpoint_id"}  # the field, not the value (issue 8)
    plain = open_period("p2", "a1", 2025, windows=[])
    assert plain.checkpoint(None) is None
    with pytest.raises(InvalidInput, match="no checkpoints"):
        plain.checkpoint("triwulan-1")
