from datetime import UTC, date, datetime

import pytest
from target_service.domain.errors import InvalidInput, WrongState
from target_service.domain.period import PeriodStatus, open_period


def test_period_defaults_to_the_calendar_year():
    p = open_period("p1", "a1", 2025)
    assert (p.starts_on, p.ends_on, p.status) == (date(2025, 1, 1), date(2025, 12, 31), PeriodStatus.OPEN)


def test_period_dates_must_be_in_order_and_year_sane():
    with pytest.raises(InvalidInput, match="ends_on"):
        open_period("p1", "a1", 2025, date(2025, 6, 1), date(2025, 5, 31))
    with pytest.raises(InvalidInput, match="year"):
        open_period("p1", "a1", 1999)


def test_closing_twice_is_refused_and_a_closed_period_refuses_work():
    p = open_period("p1", "a1", 2025)
    p.ensure_open("anything")
    p.close(datetime(2026, 1, 5, tzinfo=UTC))
    assert p.status is PeriodStatus.CLOSED
    with pytest.raises(WrongState, match="already closed"):
        p.close(datetime(2026, 1, 6, tzinfo=UTC))
    with pytest.raises(WrongState, match="period p1 .2025. is closed; recording a realisation") as caught:
        p.ensure_open("recording a realisation")
    assert caught.value.details == {"period_id": "p1"}
