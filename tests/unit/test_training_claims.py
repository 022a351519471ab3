"""Self-recorded training is a claim until HR or the current appraiser verifies it, and a
completed activity is dated inside a window (issue 8 items 7 and 10)."""

from datetime import date

import pytest
from training_service.domain import (
    EntryStatus,
    completion_date_problem,
    earliest_in_plan,
    earliest_outside_plan,
    may_review,
    status_when_recorded,
)

EMPLOYEE, APPRAISER, HR, COLLEAGUE = "1" * 18, "2" * 18, "9" * 18, "3" * 18
TODAY = date(2026, 1, 21)


def test_the_employees_own_record_is_a_claim_and_hrs_record_for_someone_else_counts():
    assert status_when_recorded(EMPLOYEE, EMPLOYEE, recorder_is_hr=False) is EntryStatus.CLAIMED
    assert status_when_recorded(HR, EMPLOYEE, recorder_is_hr=True) is EntryStatus.VERIFIED
    assert status_when_recorded(HR, HR, recorder_is_hr=True) is EntryStatus.CLAIMED, "HR's own training too"


def test_hr_or_the_current_appraiser_reviews_never_the_employee_or_a_colleague():
    assert may_review(HR, EMPLOYEE, reviewer_is_hr=True, current_appraiser=APPRAISER)
    assert may_review(APPRAISER, EMPLOYEE, reviewer_is_hr=False, current_appraiser=APPRAISER)
    assert not may_review(EMPLOYEE, EMPLOYEE, reviewer_is_hr=True, current_appraiser=EMPLOYEE)
    assert not may_review(COLLEAGUE, EMPLOYEE, reviewer_is_hr=False, current_appraiser=APPRAISER)
    assert not may_review(APPRAISER, EMPLOYEE, reviewer_is_hr=False, current_appraiser=None)


@pytest.mark.parametrize("completed_on", [date(1999, 12, 31), date(1, 1, 1), date(1970, 1, 1), date(2024, 12, 31)])
def test_dates_before_last_year_are_refused_outside_a_plan(completed_on):
    assert earliest_outside_plan(TODAY) == date(2025, 1, 1)
    assert (
        completion_date_problem(completed_on, earliest_outside_plan(TODAY), TODAY) == "must be on or after 2025-01-01"
    )


def test_last_year_and_today_are_accepted_and_tomorrow_is_not():
    earliest = earliest_outside_plan(TODAY)
    assert completion_date_problem(date(2025, 1, 1), earliest, TODAY) is None
    assert completion_date_problem(TODAY, earliest, TODAY) is None
    assert completion_date_problem(date(2026, 1, 22), earliest, TODAY) == "must not be in the future"


def test_a_plan_item_is_completed_from_the_plans_year_on():
    assert (
        completion_date_problem(date(2025, 12, 31), earliest_in_plan(2026), TODAY) == "must be on or after 2026-01-01"
    )
    assert completion_date_problem(date(2026, 1, 2), earliest_in_plan(2026), TODAY) is None
