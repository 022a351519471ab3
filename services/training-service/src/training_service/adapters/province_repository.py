"""What the province view reads of every agency's development plans, JP ledger and talent pool,
counted in the database (GROUP BY agency): one statement per read, whatever the number of
agencies or employees."""

from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.ledger_repository import COUNTS
from training_service.adapters.orm import jp_ledger, plans, talent_nominations
from training_service.domain import JP_ENTITLEMENT


class Fulfilment(NamedTuple):
    """Of an agency's ledger for a year: how many employees have verified JP, and how many of
    them reached the 20 JP entitlement."""

    agency_id: str
    with_jp: int
    fulfilled: int


class ProvinceRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def plans_by_status(self, year: int) -> list[tuple[str, str, int]]:
        """(agency_id, status, count) of the development plans for ``year``'s 20 JP."""
        rows = await self._session.execute(
            select(plans.c.agency_id, plans.c.status, func.count())
            .where(plans.c.year == year)
            .group_by(plans.c.agency_id, plans.c.status)
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    async def fulfilment(self, year: int) -> list[Fulfilment]:
        """Per agency: employees with verified JP in ``year`` and those with the 20 JP entitlement."""
        verified = func.sum(case((COUNTS, jp_ledger.c.jp), else_=0))
        per_employee = (
            select(jp_ledger.c.agency_id, jp_ledger.c.nip, verified.label("jp"))
            .where(jp_ledger.c.year == year)
            .group_by(jp_ledger.c.agency_id, jp_ledger.c.nip)
            .having(verified > 0)
            .subquery()
        )
        rows = await self._session.execute(
            select(
                per_employee.c.agency_id,
                func.count(),
                func.coalesce(func.sum(case((per_employee.c.jp >= JP_ENTITLEMENT, 1), else_=0)), 0),
            ).group_by(per_employee.c.agency_id)
        )
        return [Fulfilment(r[0], int(r[1]), int(r[2])) for r in rows]

    async def talent_pool(self, year: int, limit: int, offset: int) -> list[dict]:
        """A page of the standing nominations whose later year is ``year``, of every agency, by
        agency and NIP (a withdrawn one is not in the pool)."""
        rows = await self._session.execute(
            select(talent_nominations)
            .where(talent_nominations.c.year == year, talent_nominations.c.status == "nominated")
            .order_by(talent_nominations.c.agency_id, talent_nominations.c.nip)
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows]
