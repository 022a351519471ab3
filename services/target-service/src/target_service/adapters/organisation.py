"""The agency's work units (its organisation tree), as target-service stores them."""

from kinerja_runtime.db import Executor
from sqlalchemy import insert, select, update

from target_service.adapters.orm import work_units
from target_service.domain.organisation import WorkUnit


class OrganisationRepository:
    def __init__(self, session: Executor):
        self.session = session

    async def units(self, agency_id: str) -> dict[str, WorkUnit]:
        rows = await self.session.execute(select(work_units).where(work_units.c.agency_id == agency_id))
        return {r.unit_id: WorkUnit(r.unit_id, r.name, r.parent_unit_id, r.head_nip, r.serves_public) for r in rows}

    async def save_unit(self, agency_id: str, unit: WorkUnit, is_new: bool) -> None:
        values = {
            "name": unit.name,
            "parent_unit_id": unit.parent_unit_id,
            "head_nip": unit.head_nip,
            "serves_public": unit.serves_public,
        }
        if is_new:
            await self.session.execute(insert(work_units).values(agency_id=agency_id, unit_id=unit.unit_id, **values))
        else:
            await self.session.execute(
                update(work_units)
                .where(work_units.c.agency_id == agency_id, work_units.c.unit_id == unit.unit_id)
                .values(**values)
            )
