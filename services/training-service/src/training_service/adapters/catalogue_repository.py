"""Catalogue storage: seeding and loading as domain CatalogueItems."""

from kinerja_contracts.vocabulary import DevelopmentForm
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import catalogue
from training_service.domain.catalogue import SEEDED_CATALOGUE, CatalogueItem


async def seed(session: AsyncSession) -> int:
    """Add the seeded items that are missing; items already stored (maybe edited) stay."""
    present = set((await session.scalars(select(catalogue.c.code))).all())
    missing = [item for item in SEEDED_CATALOGUE if item.code not in present]
    for item in missing:
        await session.execute(insert(catalogue).values(
            code=item.code, title=item.title, competency=item.competency, form=item.form.value,
            method=item.method, jp=item.jp, provider=item.provider, modality=item.modality,
        ))
    return len(missing)


async def load(session: AsyncSession) -> list[CatalogueItem]:
    rows = (await session.execute(select(catalogue).order_by(catalogue.c.code))).all()
    return [
        CatalogueItem(
            code=r.code, title=r.title, competency=r.competency, form=DevelopmentForm(r.form),
            method=r.method, jp=r.jp, provider=r.provider, modality=r.modality,
        )
        for r in rows
    ]
