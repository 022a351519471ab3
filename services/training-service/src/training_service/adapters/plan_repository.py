"""Plans and their items: storing composed plans, the plan a revision supersedes, working
through an item, and reading plans with their items (two statements for any number)."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import plan_items, plans
from training_service.domain import ItemProgress


class PlanRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    # -- writing ----------------------------------------------------------------------------

    async def add_many(self, rows: Sequence[dict], items: Sequence[dict]) -> None:
        """Every plan in one statement and every item in another (all plans given carry the same columns)."""
        if not rows:
            return
        await self._session.execute(insert(plans), list(rows))
        if items:
            await self._session.execute(insert(plan_items), list(items))

    async def supersede(self, plan_id: str, by_plan_id: str) -> None:
        await self._session.execute(
            update(plans)
            .where(plans.c.plan_id == plan_id)
            .values(status="superseded", superseded_by_plan_id=by_plan_id)
        )

    async def set_status(self, plan_id: str, status: str) -> None:
        await self._session.execute(update(plans).where(plans.c.plan_id == plan_id).values(status=status))

    async def enrol_item(self, item_id: str, at: datetime) -> None:
        await self._session.execute(
            update(plan_items).where(plan_items.c.item_id == item_id).values(status="enrolled", enrolled_at=at)
        )

    async def complete_item(self, item_id: str, completed_on: date, evidence: str) -> None:
        await self._session.execute(
            update(plan_items)
            .where(plan_items.c.item_id == item_id)
            .values(status="completed", completed_on=completed_on, evidence=evidence)
        )

    # -- reading ----------------------------------------------------------------------------

    async def get(self, agency_id: str, plan_id: str) -> dict | None:
        row = (
            await self._session.execute(select(plans).where(plans.c.plan_id == plan_id, plans.c.agency_id == agency_id))
        ).first()
        return dict(row._mapping) if row else None

    async def item(self, plan_id: str, item_id: str) -> dict | None:
        row = (
            await self._session.execute(
                select(plan_items).where(plan_items.c.plan_id == plan_id, plan_items.c.item_id == item_id)
            )
        ).first()
        return dict(row._mapping) if row else None

    async def items_of(self, plan_id: str) -> list[dict]:
        rows = await self._session.execute(select(plan_items).where(plan_items.c.plan_id == plan_id))
        return [dict(r._mapping) for r in rows.all()]

    async def progress_of(self, plan_id: str) -> list[ItemProgress]:
        rows = await self._session.execute(
            select(plan_items.c.mandatory, plan_items.c.status).where(plan_items.c.plan_id == plan_id)
        )
        return [ItemProgress(r.mandatory, r.status == "completed") for r in rows.all()]

    async def current_of_period(
        self, agency_id: str, nip: str, period_id: str, appraisal_id: str | None = None
    ) -> dict | None:
        """The employee's plan of the period that is not superseded: the one made from
        ``appraisal_id`` when given and found, else the latest."""
        current = select(plans).where(
            plans.c.agency_id == agency_id,
            plans.c.nip == nip,
            plans.c.period_id == period_id,
            plans.c.status != "superseded",
        )
        row = None
        if appraisal_id:
            row = (await self._session.execute(current.where(plans.c.appraisal_id == appraisal_id))).first()
        if row is None:
            row = (await self._session.execute(current.order_by(plans.c.created_at.desc()))).first()
        return dict(row._mapping) if row else None

    async def with_items(
        self, agency_id: str, plan_ids: Collection[str], *, by_nip: bool = False
    ) -> list[tuple[dict, list[dict]]]:
        """The agency's plans of ``plan_ids`` (in creation order, by NIP first when ``by_nip``),
        each with its items: two statements, whatever the number of plans; none for no ids."""
        if not plan_ids:
            return []
        order = (plans.c.nip, plans.c.created_at) if by_nip else (plans.c.created_at,)
        rows = (
            await self._session.execute(
                select(plans)
                .where(plans.c.agency_id == agency_id, plans.c.plan_id.in_(list(plan_ids)))
                .order_by(*order)
            )
        ).all()
        items_of: dict[str, list[dict]] = defaultdict(list)
        if rows:
            items = (
                await self._session.execute(
                    select(plan_items)
                    .where(plan_items.c.plan_id.in_([row.plan_id for row in rows]))
                    .order_by(
                        plan_items.c.plan_id, plan_items.c.gap_kind, plan_items.c.gap, plan_items.c.catalogue_code
                    )
                )
            ).all()
            for item in items:
                items_of[item.plan_id].append(dict(item._mapping))
        return [(dict(row._mapping), items_of[row.plan_id]) for row in rows]

    async def current_items_of_year(self, agency_id: str, year: int) -> list[dict]:
        """The items of the agency's plans for ``year`` that are not superseded."""
        rows = await self._session.execute(
            select(plan_items)
            .join(plans, plans.c.plan_id == plan_items.c.plan_id)
            .where(plans.c.agency_id == agency_id, plans.c.year == year, plans.c.status != "superseded")
        )
        return [dict(r._mapping) for r in rows.all()]
