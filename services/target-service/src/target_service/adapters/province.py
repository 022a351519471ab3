"""What the province view reads of every agency's roster and SKPs, counted in the database
(GROUP BY agency): a fixed number of statements whatever the number of agencies or employees."""

from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from kinerja_runtime.db import Executor
from sqlalchemy import and_, case, func, select

from target_service.adapters.orm import employees, periods, skp, skp_versions


class SkpProgress(NamedTuple):
    """An agency's period of the year and how many of its SKPs were drafted, submitted and
    approved before an instant (each SKP counted once, by its earliest version to get there)."""

    agency_id: str
    period_id: str
    period_status: str
    drafted: int
    submitted: int
    approved: int


def _before(column, instant):
    return func.coalesce(func.sum(case((column < instant, 1), else_=0)), 0)


class ProvinceRepository:
    def __init__(self, session: Executor):
        self._session = session

    async def headcounts(self) -> dict[str, int]:
        """How many employees each agency's roster holds now, by agency id."""
        rows = await self._session.execute(select(employees.c.agency_id, func.count()).group_by(employees.c.agency_id))
        return {agency_id: int(count) for agency_id, count in rows}

    async def skp_progress(
        self, year: int, before: datetime, before_in: Mapping[str, datetime] | None = None
    ) -> list[SkpProgress]:
        """Every agency's period of ``year`` with its SKPs' progress before ``before`` (or before
        ``before_in[agency_id]``, the same day's end in that agency's zone): one statement.

        A version stored before drafting and submission times were kept counts from the times it
        has (an approved version was drafted and submitted by its approval)."""
        v = skp_versions.c
        per_skp = (
            select(
                skp.c.skp_id,
                skp.c.agency_id,
                skp.c.period_id,
                func.min(func.coalesce(v.drafted_at, v.submitted_at, v.approved_at)).label("drafted_at"),
                func.min(func.coalesce(v.submitted_at, v.approved_at)).label("submitted_at"),
                func.min(v.approved_at).label("approved_at"),
            )
            .join(skp_versions, v.skp_id == skp.c.skp_id)
            .join(periods, and_(periods.c.period_id == skp.c.period_id, periods.c.agency_id == skp.c.agency_id))
            .where(periods.c.year == year)
            .group_by(skp.c.skp_id, skp.c.agency_id, skp.c.period_id)
            .subquery()
        )
        cutoff = case(dict(before_in), value=periods.c.agency_id, else_=before) if before_in else before
        rows = await self._session.execute(
            select(
                periods.c.agency_id,
                periods.c.period_id,
                periods.c.status,
                _before(per_skp.c.drafted_at, cutoff),
                _before(per_skp.c.submitted_at, cutoff),
                _before(per_skp.c.approved_at, cutoff),
            )
            .select_from(
                periods.outerjoin(
                    per_skp,
                    and_(per_skp.c.period_id == periods.c.period_id, per_skp.c.agency_id == periods.c.agency_id),
                )
            )
            .where(periods.c.year == year)
            .group_by(periods.c.agency_id, periods.c.period_id, periods.c.status)
            .order_by(periods.c.agency_id)
        )
        return [SkpProgress(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]
