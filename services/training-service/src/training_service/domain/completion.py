"""When a completed activity may be dated (``completed_on``).

The ledger counts JP per calendar year against that year's 20 JP entitlement, and the
contract's ``TrainingCompleted.year`` lies in 2000-2100, so a date such as 0001-01-01,
1999-12-31 or 1970-01-01 (the number 0 read as a Unix time) is refused naming the field
instead of failing when the event is built. The windows:

* an item of a plan: from 1 January of the year the plan tops up to today. The plan was
  made in that year from the appraisal; work done before it is not work on the plan, and
  an item finished late (the next year) is still accepted.
* training outside any plan: from 1 January of last year to today. A certificate for a
  course in December often arrives in January, so last year stays open; older years are
  closed, since their entitlement was reported and nobody can check the evidence any more.

Never after today: training is recorded once done.
"""

from __future__ import annotations

from datetime import date

__all__ = ["earliest_in_plan", "earliest_outside_plan", "completion_date_problem"]


def earliest_in_plan(plan_year: int) -> date:
    return date(plan_year, 1, 1)


def earliest_outside_plan(today: date) -> date:
    return date(today.year - 1, 1, 1)


def completion_date_problem(completed_on: date, earliest: date, today: date) -> str | None:
    """Why ``completed_on`` is refused, or None when it lies in ``earliest`` .. ``today``."""
    if completed_on > today:
        return "must not be in the future"
    if completed_on < earliest:
        return f"must be on or after {earliest.isoformat()}"
    return None
