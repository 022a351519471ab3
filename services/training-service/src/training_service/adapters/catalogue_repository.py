"""Catalogue storage: the shared seeded items, each agency's imported items, and loading
the catalogue an agency plans from (its own items win over seeded ones of the same code)."""

from collections.abc import Iterable
from datetime import datetime

from kinerja_contracts.vocabulary import DevelopmentForm
from sqlalchemy import insert, select, update
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

    async def upsert(self, agency_id: str, item: CatalogueItem, now: datetime) -> str:
        """Store an imported item; ``"created"``, ``"updated"`` or ``"unchanged"`` (importing the
        same file twice changes nothing)."""
        key = (agency_catalogue.c.agency_id == agency_id, agency_catalogue.c.code == item.code)
        found = (await self._session.execute(select(agency_catalogue).where(*key))).first()
        values = _values(item)
        if found is None:
            await self._session.execute(
                insert(agency_catalogue).values(agency_id=agency_id, code=item.code, imported_at=now, **values)
            )
            return "created"
        if all(getattr(found, f) == v for f, v in values.items()):
            return "unchanged"
        await self._session.execute(update(agency_catalogue).where(*key).values(imported_at=now, **values))
        return "updated"
