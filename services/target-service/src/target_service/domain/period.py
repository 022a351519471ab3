"""Performance periods: one per agency per year, evaluated at checkpoints, open until HR closes them."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kinerja_runtime.refusals import InvalidInput, WrongState

from target_service.domain.checkpoints import DEFAULT_MONTHS, Checkpoint, custom, every_months


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
    checkpoints: tuple[Checkpoint, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is PeriodStatus.OPEN

    def close(self, now: datetime) -> None:
        if not self.is_open:
            raise WrongState(f"the {self.year} period is already closed")
        self.status, self.closed_at = PeriodStatus.CLOSED, now

    def ensure_open(self, doing: str) -> None:
        if not self.is_open:
            raise WrongState(f"the {self.year} period is closed; {doing} is no longer possible")

    def checkpoint(self, checkpoint_id: str | None) -> Checkpoint | None:
        """The checkpoint a value belongs to: required when the period has checkpoints, and one of them."""
        if not self.checkpoints:
            if checkpoint_id is not None:
                raise InvalidInput("the period has no checkpoints; leave checkpoint_id out", field="checkpoint_id")
            return None
        known = ", ".join(c.checkpoint_id for c in self.checkpoints)
        if checkpoint_id is None:
            raise InvalidInput(f"checkpoint_id is required in this period; one of: {known}", field="checkpoint_id")
        for c in self.checkpoints:
            if c.checkpoint_id == checkpoint_id:
                return c
        raise InvalidInput(f"checkpoint_id is not a checkpoint of this period; one of: {known}", field="checkpoint_id")


def open_period(
    period_id: str,
    agency_id: str,
    year: int,
    starts_on: date | None = None,
    ends_on: date | None = None,
    checkpoint_months: int | None = None,
    windows: list[tuple[str, date, date]] | None = None,
) -> Period:
    """A new open period; by default the calendar year in quarters (Triwulan I–IV).

    The period lies in its year (so do its checkpoints, which lie in the period): an SKP is
    annual, and a period running on to 9999-12-31 would make windows past the last date.
    ``windows`` (the agency's own checkpoints, possibly none) wins over ``checkpoint_months``."""
    if not 2000 <= year <= 2100:
        raise InvalidInput("year must be between 2000 and 2100", field="year")
    starts_on = starts_on or date(year, 1, 1)
    ends_on = ends_on or date(year, 12, 31)
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day.year != year:
            raise InvalidInput(f"{field} must lie in the period's year {year}", field=field)
    if ends_on < starts_on:
        raise InvalidInput("ends_on must not be before starts_on", field="ends_on")
    if windows is not None and checkpoint_months is not None:
        raise InvalidInput("give either checkpoint_months or checkpoints, not both")
    checkpoints = (
        custom(starts_on, ends_on, windows)
        if windows is not None
        else every_months(starts_on, ends_on, checkpoint_months or DEFAULT_MONTHS)
    )
    return Period(period_id, agency_id, year, starts_on, ends_on, checkpoints=checkpoints)
