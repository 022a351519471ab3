from datetime import UTC, date, datetime

import pytest
from kinerja_runtime.refusals import InvalidInput, WrongState
from target_service.domain.period import PeriodStatus, open_period


def test_period_defaults_to_the_calendar_year():
    p = open_period("p1", "a1", 2025)
    assert (p.starts_on, p.ends_on, p.status) == (date(2025, 1, 1), date(2025, 12, 31), PeriodStatus.OPEN)


def test_period_dates_must_be_in_order_and_year_sane():
    with pytest.raises(InvalidInput, match="ends_on"):
        open_period("p1", "a1", 2025, date(2025, 6, 1), date(2025, 5, 31))
    with pytest.raises(InvalidInput, match="year"):
        open_period("p1", "a1", 1999)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (None, date(9999, 12, 31), "ends_on"),  # monthly windows would run into the year 10000
        (None, date(2026, 1, 31), "ends_on"),
        (date(2024, 12, 1), None, "starts_on"),
        (date(2024, 12, 1), date(2026, 1, 1), "starts_on"),
    ],
)
def test_period_dates_lie_in_the_period_s_year_naming_the_field(starts_on, ends_on, field):
    with pytest.raises(InvalidInput, match=f"{field} must lie in the period's year 2025") as caught:
        open_period("p1", "a1", 2025, starts_on, ends_on, checkpoint_months=1)
    assert caught.value.details == {"field": field}
    inside = open_period("p1", "a1", 2025, date(2025, 2, 1), date(2025, 12, 31), checkpoint_months=1)
    assert (inside.checkpoints[0].starts_on, inside.checkpoints[-1].ends_on) == (date(2025, 2, 1), date(2025, 12, 31))
    assert len(inside.checkpoints) == 11


def test_closing_twice_is_refused_and_a_closed_period_refuses_work():
    p = open_period("p1", "a1", 2025)
    p.ensure_open("anything")
    p.close(datetime(2026, 1, 5, tzinfo=UTC))
    assert p.status is PeriodStatus.CLOSED
    with pytest.raises(WrongState, match="already closed"):
        p.close(datetime(2026, 1, 6, tzinfo=UTC))
    with pytest.raises(WrongState, match="the 2025 period is closed; recording a realisation") as caught:
        p.ensure_open("recording a realisation")
    assert caught.value.details == {}  # no id echoed (issue 8)
