"""What the province view reads of every agency's appraisals and objections, counted in the
database (GROUP BY agency): one statement per read, whatever the number of agencies or employees.
And the organisation predikat each agency's HR records for a period."""

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from kinerja_runtime import bulk
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import appraisals, objections, organisation_predikats
from appraisal_service.domain import OrganisationPredikat, Status, scope_of

PeriodKey = tuple[str, str]  # (agency_id, period_id)


class PredikatCount(NamedTuple):
    agency_id: str
    period_id: str
    status: Status  # proposed or final
    predikat: str  # the final predikat, or the proposed one of a proposal
    count: int


class ObjectionCount(NamedTuple):
    agency_id: str
    period_id: str
    status: str  # open, upheld or changed
    count: int


class ProvinceRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def annual_predikat(self, periods: Collection[PeriodKey]) -> list[PredikatCount]:
        """The current annual results of ``periods`` counted by agency, status and predikat."""
        periods = set(periods)
        if not periods:
            return []
        predikat = case(
            (appraisals.c.status == Status.FINAL.value, appraisals.c.predikat), else_=appraisals.c.proposed_predikat
        ).label("shown")
        rows = await self._session.execute(
            select(appraisals.c.agency_id, appraisals.c.period_id, appraisals.c.status, predikat, func.count())
            .where(
                bulk.each_in(appraisals, ["agency_id", "period_id"], periods),
                appraisals.c.scope == scope_of(None),
                appraisals.c.status.in_([Status.PROPOSED.value, Status.FINAL.value]),
            )
            .group_by(appraisals.c.agency_id, appraisals.c.period_id, appraisals.c.status, predikat)
        )
        return [PredikatCount(r[0], r[1], Status(r[2]), r[3], int(r[4])) for r in rows if (r[0], r[1]) in periods]

    async def objections(self, periods: Collection[PeriodKey]) -> list[ObjectionCount]:
        """The objections to results of ``periods`` counted by agency and status."""
        periods = set(periods)
        if not periods:
            return []
        rows = await self._session.execute(
            select(objections.c.agency_id, objections.c.period_id, objections.c.status, func.count())
            .where(bulk.each_in(objections, ["agency_id", "period_id"], periods))
            .group_by(objections.c.agency_id, objections.c.period_id, objections.c.status)
        )
        return [ObjectionCount(r[0], r[1], r[2], int(r[3])) for r in rows if (r[0], r[1]) in periods]


class OrganisationPredikatRepository:
    """The organisation predikat an agency's HR recorded for a period (one row, replaced)."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, agency_id: str, period_id: str) -> OrganisationPredikat | None:
        found = await self.of_periods({(agency_id, period_id)})
        return found.get((agency_id, period_id))

    async def of_periods(self, periods: Collection[PeriodKey]) -> dict[PeriodKey, OrganisationPredikat]:
        periods = set(periods)
        if not periods:
            return {}
        rows = await self._session.execute(
            select(
                organisation_predikats.c.agency_id,
                organisation_predikats.c.period_id,
                organisation_predikats.c.predikat,
            ).where(bulk.each_in(organisation_predikats, ["agency_id", "period_id"], periods))
        )
        return {(a, p): OrganisationPredikat(v) for a, p, v in rows if (a, p) in periods}

    async def put(
        self, agency_id: str, period_id: str, predikat: OrganisationPredikat, set_by: str, at: datetime
    ) -> None:
        await bulk.upsert(
            self._session,
            organisation_predikats,
            [
                {
                    "agency_id": agency_id,
                    "period_id": period_id,
                    "predikat": predikat.value,
                    "set_by": set_by,
                    "set_at": at,
                }
            ],
            ["agency_id", "period_id"],
        )
