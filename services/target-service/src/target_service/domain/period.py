"""Performance periods: one per agency per year, open until HR closes them."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from target_service.domain.errors import InvalidInput, WrongState


class PeriodStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass
class Period:
    period_id: str
    agency_id: str
    year: int
    starts_on: date
    ends_on: date
    status: PeriodStatus = PeriodStatus.OPEN
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is PeriodStatus.OPEN

    def close(self, now: datetime) -> None:
        if not self.is_open:
            raise WrongState(f"period {self.period_id} ({self.year}) is already closed", period_id=self.period_id)
        self.status, self.closed_at = PeriodStatus.CLOSED, now

    def ensure_open(self, doing: str) -> None:
        if not self.is_open:
            raise WrongState(
                f"period {self.period_id} ({self.year}) is closed; {doing} is no longer possible", period_id=self.period_id
            )


def open_period(period_id: str, agency_id: str, year: int, starts_on: date | None = None, ends_on: date | None = None) -> Period:
    """A new open period; by default the calendar year."""
    if not 2000 <= year <= 2100:
        raise InvalidInput("year must be between 2000 and 2100")
    starts_on = starts_on or date(year, 1, 1)
    ends_on = ends_on or date(year, 12, 31)
    if ends_on < starts_on:
        raise InvalidInput("ends_on must not be before starts_on")
    return Period(period_id, agency_id, year, starts_on, ends_on)
