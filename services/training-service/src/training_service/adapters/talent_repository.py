"""Annual results (one per employee and period, the latest version kept) and the talent-pool
nominations made from them."""

from collections.abc import Collection, Iterable

from kinerja_runtime import bulk
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import annual_results, talent_nominations

Employee = tuple[str, str]  # (agency_id, nip)
EMPLOYEE = ("agency_id", "nip")


def _older_in_store(table, excluded):
    """The database's own guard of the order results apply in (revision, then time), for a
    writer that raced this one."""
    return or_(
        table.c.revision < excluded.revision,
        and_(table.c.revision == excluded.revision, table.c.recorded_at < excluded.recorded_at),
    )


class TalentRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def of_employees(self, employees: Collection[Employee]) -> tuple[list[dict], list[dict]]:
        """The employees' annual results and their nominations (standing or withdrawn)."""
        employees = set(employees)
        if not employees:
            return [], []
        results = (
            await self._session.execute(
                select(annual_results).where(bulk.among(self._session, annual_results, EMPLOYEE, employees))
            )
        ).all()
        nominations = (
            await self._session.execute(
                select(talent_nominations).where(bulk.among(self._session, talent_nominations, EMPLOYEE, employees))
            )
        ).all()
        return [dict(r._mapping) for r in results], [dict(r._mapping) for r in nominations]

    async def waiting_for_year(self, periods: Collection[tuple[str, str]]) -> list[tuple[str, str, str]]:
        """(agency_id, nip, period_id) of the results of ``periods`` that have no year yet."""
        periods = set(periods)
        rows = (
            await self._session.execute(
                select(annual_results.c.agency_id, annual_results.c.nip, annual_results.c.period_id).where(
                    bulk.each_in(annual_results, ["agency_id", "period_id"], periods),
                    annual_results.c.year.is_(None),
                )
            )
        ).all()
        return [(r.agency_id, r.nip, r.period_id) for r in rows if (r.agency_id, r.period_id) in periods]

    async def save_results(self, rows: Iterable[dict]) -> None:
        """Keep each result unless the one stored for its period is later."""
        await bulk.upsert(self._session, annual_results, rows, ["agency_id", "nip", "period_id"], where=_older_in_store)

    async def set_years(self, years: dict[tuple[str, str], int]) -> None:
        """Every result of each (agency_id, period_id) takes that period's year: one statement."""
        connection = await self._session.connection()
        await connection.execute(
            update(annual_results)
            .where(
                and_(
                    annual_results.c.agency_id == bindparam("b_agency"),
                    annual_results.c.period_id == bindparam("b_period"),
                )
            )
            .values(year=bindparam("b_year")),
            [{"b_agency": a, "b_period": p, "b_year": y} for (a, p), y in years.items()],
        )

    async def save_nominations(self, rows: Iterable[dict]) -> None:
        await bulk.upsert(self._session, talent_nominations, rows, ["agency_id", "nip", "year"])

    async def pool(self, agency_id: str, limit: int, offset: int) -> list[dict]:
        """A page of the standing nominations (a withdrawn one is not in the pool), latest year first."""
        rows = await self._session.execute(
            select(talent_nominations)
            .where(talent_nominations.c.agency_id == agency_id, talent_nominations.c.status == "nominated")
            .order_by(talent_nominations.c.year.desc(), talent_nominations.c.nip)
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows.all()]
