"""The province's agency registry, as target-service stores it."""

from collections.abc import Collection
from datetime import datetime

from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone
from kinerja_runtime import bulk
from kinerja_runtime.db import Executor
from sqlalchemy import select

from target_service.adapters.orm import agencies
from target_service.domain.agency import Agency


def _agency(row) -> Agency:
    return Agency(row.agency_id, row.name, AgencyKind(row.kind), AgencyTimezone(row.timezone))


class AgencyRepository:
    def __init__(self, session: Executor):
        self.session = session

    async def get(self, agency_id: str) -> Agency | None:
        row = (await self.session.execute(select(agencies).where(agencies.c.agency_id == agency_id))).first()
        return _agency(row) if row else None

    async def all(self) -> list[Agency]:
        return [_agency(r) for r in await self.session.execute(select(agencies).order_by(agencies.c.agency_id))]

    async def save(self, agency: Agency, at: datetime) -> None:
        """Register or change the agency (one statement; two registrations at once both land)."""
        row = {
            "agency_id": agency.agency_id,
            "name": agency.name,
            "kind": agency.kind.value,
            "timezone": agency.timezone.value,
            "changed_at": at,
        }
        await bulk.upsert(self.session, agencies, [row], ["agency_id"])

    async def timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        """The zones of those of ``agency_ids`` registered, by agency id: one statement."""
        if not agency_ids:
            return {}
        rows = await self.session.execute(
            select(agencies.c.agency_id, agencies.c.timezone).where(agencies.c.agency_id.in_(sorted(set(agency_ids))))
        )
        return {r.agency_id: r.timezone for r in rows}
