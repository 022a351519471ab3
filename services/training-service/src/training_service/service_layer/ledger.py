"""The JP ledger: crediting completed activities and summing an employee's year."""

import uuid
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import jp_ledger


async def completed_jp(session: AsyncSession, agency_id: str, nip: str, year: int) -> int:
    total = await session.scalar(select(func.coalesce(func.sum(jp_ledger.c.jp), 0)).where(
        jp_ledger.c.agency_id == agency_id, jp_ledger.c.nip == nip, jp_ledger.c.year == year,
    ))
    return int(total or 0)


async def completed_codes(session: AsyncSession, agency_id: str, nip: str, year: int) -> set[str]:
    rows = await session.scalars(select(jp_ledger.c.catalogue_code).where(
        jp_ledger.c.agency_id == agency_id, jp_ledger.c.nip == nip, jp_ledger.c.year == year,
    ))
    return set(rows.all())


async def credit(
    session: AsyncSession, *, agency_id: str, nip: str, jp: int, catalogue_code: str, title: str,
    competency: str | None, evidence: str, completed_on: date, recorded_by: str, now: datetime,
    plan_id: str | None = None, item_id: str | None = None,
) -> dict:
    # JP count toward the year the activity was completed in (the ledger is per calendar year).
    entry = {
        "entry_id": str(uuid.uuid4()), "agency_id": agency_id, "nip": nip, "year": completed_on.year, "jp": jp,
        "catalogue_code": catalogue_code, "title": title, "competency": competency, "plan_id": plan_id,
        "item_id": item_id, "evidence": evidence, "completed_on": completed_on, "recorded_by": recorded_by,
        "recorded_at": now,
    }
    await session.execute(insert(jp_ledger).values(**entry))
    return entry
