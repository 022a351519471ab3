"""The performance periods as the feedback use cases need them, read from the roster projection."""

from collections.abc import Sequence
from datetime import date

from kinerja_runtime.refusals import NotFound, WrongState
from kinerja_runtime.roster import OPEN, KnownPeriod

from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork

NO_SUCH_PERIOD = "no such period"
PERIOD_CLOSED = "the period is closed; no feedback can be recorded"


def check_open(status: str | None) -> None:
    """Feedback is recorded only in a period known (``status`` not None) and open."""
    if status is None:
        raise NotFound(NO_SUCH_PERIOD)
    if status != OPEN:
        raise WrongState(PERIOD_CLOSED)


async def open_period(uow: FeedbackUnitOfWork, agency_id: str, period_id: str) -> KnownPeriod:
    """The period, which must be known and open to record feedback in."""
    period = await uow.roster.period(agency_id, period_id)
    check_open(period.status if period else None)
    assert period is not None  # known: checked
    return period


async def period_checkpoints(uow: FeedbackUnitOfWork, *, agency_id: str, period_id: str) -> dict:
    """The period's checkpoints a feedback round can evaluate."""
    async with uow:
        period = await uow.roster.period(agency_id, period_id)
    if period is None:
        raise NotFound(NO_SUCH_PERIOD)
    return {"period_id": period_id, "checkpoints": period.checkpoints}


def _covers(period: KnownPeriod, today: date) -> bool:
    return period.starts_on is not None and period.ends_on is not None and period.starts_on <= today <= period.ends_on


def current_open_period(periods: Sequence[KnownPeriod], today: date) -> str | None:
    """Of the agency's periods (latest start first), the open one: the one covering today,
    else the latest opened one."""
    open_ones = [p for p in periods if p.is_open]
    covering = [p.period_id for p in open_ones if _covers(p, today)]
    if covering:
        return covering[0]
    return open_ones[0].period_id if open_ones else None


def period_to_report(periods: Sequence[KnownPeriod], today: date) -> str | None:
    """The period a satisfaction report shows when none is named: the open one, else the latest
    (after the year closes its IKM stays readable, at the counter's QR code too)."""
    found = current_open_period(periods, today)
    if found is not None:
        return found
    return periods[0].period_id if periods else None
