"""Plan decisions: one per appraisal (revision) received, whatever it decided."""

from collections.abc import Collection, Sequence
from datetime import datetime

from kinerja_runtime import bulk
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import plan_decisions
from training_service.domain import version

Slot = tuple[str, str, str]  # (agency_id, nip, period_id) of an annual result


class DecisionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add_many(self, rows: Sequence[dict]) -> None:
        """Every decision in one statement."""
        if rows:
            await self._session.execute(insert(plan_decisions), list(rows))

    async def decided(self, appraisal_ids: Collection[str]) -> set[str]:
        """Those of ``appraisal_ids`` already decided."""
        if not appraisal_ids:
            return set()
        ids = {(appraisal_id,) for appraisal_id in appraisal_ids}
        return set(
            (
                await self._session.scalars(
                    select(plan_decisions.c.appraisal_id).where(
                        bulk.among(self._session, plan_decisions, ["appraisal_id"], ids)
                    )
                )
            ).all()
        )

    async def latest_annual(self, slots: Collection[Slot]) -> dict[Slot, tuple[int, datetime]]:
        """The version (revision, time) of the latest annual result decided for each slot."""
        slots = set(slots)
        if not slots:
            return {}
        c = plan_decisions.c
        rows = (
            await self._session.execute(
                select(c.agency_id, c.nip, c.period_id, c.revision, c.decided_at).where(
                    bulk.among(self._session, plan_decisions, ["agency_id", "nip", "period_id"], slots),
                    c.kind == "annual",
                )
            )
        ).all()
        latest: dict[Slot, tuple[int, datetime]] = {}
        for r in rows:
            slot = (r.agency_id, r.nip, r.period_id)
            latest[slot] = max(latest.get(slot, (0, r.decided_at)), version(r.revision, r.decided_at))
        return latest

    async def of_employee(self, agency_id: str, nip: str) -> list[dict]:
        """The employee's decisions, oldest first."""
        rows = await self._session.execute(
            select(plan_decisions)
            .where(plan_decisions.c.agency_id == agency_id, plan_decisions.c.nip == nip)
            .order_by(plan_decisions.c.decided_at)
        )
        return [dict(r._mapping) for r in rows.all()]

    async def page_of_period(self, agency_id: str, period_id: str, limit: int, offset: int) -> list[dict]:
        """One page of a period's decisions, in the order of ix_plan_decisions_period."""
        rows = await self._session.execute(
            select(plan_decisions)
            .where(plan_decisions.c.agency_id == agency_id, plan_decisions.c.period_id == period_id)
            .order_by(plan_decisions.c.nip, plan_decisions.c.revision)
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows.all()]
