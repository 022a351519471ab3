"""Catalogue storage: the shared seeded items, each agency's imported items, and loading
the catalogue an agency plans from (its own items win over seeded ones of the same code)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from kinerja_contracts.vocabulary import DevelopmentForm
from kinerja_runtime import bulk
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import agency_catalogue, catalogue
from training_service.domain.catalogue import SEEDED_CATALOGUE, CatalogueItem

_FIELDS = ("title", "competency", "form", "method", "jp", "provider", "modality")


def _values(item: CatalogueItem) -> dict:
    return {f: (getattr(item, f).value if f == "form" else getattr(item, f)) for f in _FIELDS}


def _item(row) -> CatalogueItem:
    return CatalogueItem(
        code=row.code,
        title=row.title,
        competency=row.competency,
        form=DevelopmentForm(row.form),
        method=row.method,
        jp=row.jp,
        provider=row.provider,
        modality=row.modality,
    )


class CatalogueRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def seed(self) -> int:
        """Add the seeded items that are missing; items already stored (maybe edited) stay."""
        present = set((await self._session.scalars(select(catalogue.c.code))).all())
        missing = [item for item in SEEDED_CATALOGUE if item.code not in present]
        for item in missing:
            await self._session.execute(insert(catalogue).values(code=item.code, **_values(item)))
        return len(missing)

    async def load(self, agency_id: str) -> list[CatalogueItem]:
        """The agency's catalogue, by code."""
        return [item for item, _source in await self.load_with_source(agency_id)]

    async def load_with_source(self, agency_id: str) -> list[tuple[CatalogueItem, str]]:
        """The agency's catalogue, by code, each item with where it comes from (``seeded`` | ``agency``)."""
        by_code = {r.code: (_item(r), "seeded") for r in (await self._session.execute(select(catalogue))).all()}
        own = await self._session.execute(select(agency_catalogue).where(agency_catalogue.c.agency_id == agency_id))
        by_code.update({r.code: (_item(r), "agency") for r in own.all()})
        return [by_code[code] for code in sorted(by_code)]

    async def load_many(self, agency_ids: Iterable[str]) -> dict[str, list[CatalogueItem]]:
        """:meth:`load` for several agencies in two reads: the seeded items, and the agencies' own."""
        agency_ids = set(agency_ids)
        if not agency_ids:
            return {}
        seeded = {r.code: _item(r) for r in (await self._session.execute(select(catalogue))).all()}
        by_agency = {agency_id: dict(seeded) for agency_id in agency_ids}
        own = await self._session.execute(select(agency_catalogue).where(agency_catalogue.c.agency_id.in_(agency_ids)))
        for r in own.all():
            by_agency[r.agency_id][r.code] = _item(r)
        return {agency_id: [items[code] for code in sorted(items)] for agency_id, items in by_agency.items()}

    async def upsert_many(self, agency_id: str, items: Sequence[CatalogueItem], now: datetime) -> list[str]:
        """Store imported items, in two statements whatever their number: ``"created"``,
        ``"updated"`` or ``"unchanged"`` per item, in order (importing the same file twice
        changes nothing). A code given twice counts as stored by its earlier item."""
        if not items:
            return []
        found = await self._session.execute(
            select(agency_catalogue).where(
                agency_catalogue.c.agency_id == agency_id,
                agency_catalogue.c.code.in_({item.code for item in items}),
            )
        )
        current = {r.code: {f: getattr(r, f) for f in _FIELDS} for r in found.all()}
        outcomes: list[str] = []
        changed: dict[str, dict] = {}
        for item in items:
            values = _values(item)
            before = current.get(item.code)
            if before == values:
                outcomes.append("unchanged")
                continue
            outcomes.append("created" if before is None else "updated")
            current[item.code] = values
            changed[item.code] = {"agency_id": agency_id, "code": item.code, "imported_at": now, **values}
        await bulk.upsert(self._session, agency_catalogue, list(changed.values()), ["agency_id", "code"])
        return outcomes
