"""Reads of the roster's period projection that the feedback use cases share."""

from datetime import date

from kinerja_runtime import roster
from kinerja_runtime.problems import Conflict, NotFound
from kinerja_runtime.roster import known_periods
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

NO_SUCH_PERIOD = "no such period"  # what roster.period answers for a missing one


async def open_period_or_conflict(session: AsyncSession, agency_id: str, period_id: str) -> None:
    period = await roster.period(session, agency_id, period_id)
    if period.status != "open":
        raise Conflict("the period is closed; no feedback can be recorded")


async def period_checkpoints(session: AsyncSession, agency_id: str, period_id: str) -> list[dict]:
    row = (
        await session.execute(
            select(known_periods.c.checkpoints).where(
                known_periods.c.agency_id == agency_id,
                known_periods.c.period_id == period_id,
            )
        )
    ).first()
    if row is None:
        raise NotFound(NO_SUCH_PERIOD)
    return list(row.checkpoints or [])


async def current_open_period(session: AsyncSession, agency_id: str, today: date) -> str | None:
    """The agency's open period: the one covering today, else the latest opened one."""
    rows = (
        await session.execute(
            select(known_periods.c.period_id, known_periods.c.starts_on, known_periods.c.ends_on)
            .where(known_periods.c.agency_id == agency_id, known_periods.c.status == "open")
            .order_by(known_periods.c.starts_on.desc())
        )
    ).all()
    covering = [r.period_id for r in rows if r.starts_on <= today <= r.ends_on]
    if covering:
        return covering[0]
    return rows[0].period_id if rows else None


async def period_to_report(session: AsyncSession, agency_id: str, today: date) -> str | None:
    """The period a satisfaction report shows when none is named: the open one, else the latest
    (after the year closes its IKM stays readable, at the counter's QR code too)."""
    found = await current_open_period(session, agency_id, today)
    if found is not None:
        return found
    return await session.scalar(
        select(known_periods.c.period_id)
        .where(known_periods.c.agency_id == agency_id)
        .order_by(known_periods.c.starts_on.desc())
        .limit(1)
    )
