"""The JP ledger: crediting completed activities and summing an employee's year. Only
verified entries count (a claim counts once HR or the appraiser verifies it)."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from kinerja_contracts import TrainingCompleted
from kinerja_runtime import bulk
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import jp_ledger
from training_service.domain import EntryStatus

COUNTS = jp_ledger.c.status == EntryStatus.VERIFIED.value
"""The entries whose JP count toward the entitlement, plans and reports."""


async def completed_jp(session: AsyncSession, agency_id: str, nip: str, year: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(jp_ledger.c.jp), 0)).where(
            jp_ledger.c.agency_id == agency_id,
            jp_ledger.c.nip == nip,
            jp_ledger.c.year == year,
            COUNTS,
        )
    )
    return int(total or 0)


async def completed_codes(session: AsyncSession, agency_id: str, nip: str, year: int) -> set[str]:
    rows = await session.scalars(
        select(jp_ledger.c.catalogue_code).where(
            jp_ledger.c.agency_id == agency_id,
            jp_ledger.c.nip == nip,
            jp_ledger.c.year == year,
            COUNTS,
        )
    )
    return set(rows.all())


@dataclass(frozen=True)
class YearDone:
    """What an employee's ledger holds for a year: the JP and the courses completed."""

    jp: int = 0
    codes: frozenset[str] = frozenset()


async def completed_in(
    session: AsyncSession, keys: Iterable[tuple[str, str, int]]
) -> dict[tuple[str, str, int], YearDone]:
    """:func:`completed_jp` and :func:`completed_codes` of many (agency_id, nip, year) at once;
    a key with nothing completed is absent."""
    keys = set(keys)
    if not keys:
        return {}
    rows = (
        await session.execute(
            select(
                jp_ledger.c.agency_id, jp_ledger.c.nip, jp_ledger.c.year, jp_ledger.c.jp, jp_ledger.c.catalogue_code
            ).where(bulk.each_in(jp_ledger, ["agency_id", "nip", "year"], keys), COUNTS)
        )
    ).all()
    jp: dict[tuple[str, str, int], int] = defaultdict(int)
    codes: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    for r in rows:
        if (r.agency_id, r.nip, r.year) not in keys:
            continue
        jp[(r.agency_id, r.nip, r.year)] += r.jp
        codes[(r.agency_id, r.nip, r.year)].add(r.catalogue_code)
    return {key: YearDone(jp[key], frozenset(codes[key])) for key in jp}


async def credit(
    session: AsyncSession,
    *,
    agency_id: str,
    nip: str,
    jp: int,
    catalogue_code: str,
    title: str,
    competency: str | None,
    evidence: str,
    completed_on: date,
    recorded_by: str,
    now: datetime,
    plan_id: str | None = None,
    item_id: str | None = None,
    status: EntryStatus = EntryStatus.VERIFIED,
) -> dict:
    # JP count toward the year the activity was completed in (the ledger is per calendar year).
    entry = {
        "entry_id": str(uuid.uuid4()),
        "agency_id": agency_id,
        "nip": nip,
        "year": completed_on.year,
        "jp": jp,
        "catalogue_code": catalogue_code,
        "title": title,
        "competency": competency,
        "plan_id": plan_id,
        "item_id": item_id,
        "evidence": evidence,
        "completed_on": completed_on,
        "recorded_by": recorded_by,
        "recorded_at": now,
        "status": status.value,
    }
    await session.execute(insert(jp_ledger).values(**entry))
    return entry


def _fields(entry) -> dict:
    return dict(entry) if isinstance(entry, dict) else dict(entry._mapping)


def public(entry) -> dict:
    """An entry (a row or a dict) as its readers see it: everything but the tenant."""
    return {k: v for k, v in _fields(entry).items() if k != "agency_id"}


def announcement(entry) -> TrainingCompleted:
    """The event of a verified entry (a row or a dict): its JP are credited."""
    get = _fields(entry).get
    return TrainingCompleted(
        agency_id=get("agency_id"),
        nip=get("nip"),
        year=get("year"),
        catalogue_code=get("catalogue_code"),
        jp=get("jp"),
        plan_id=get("plan_id"),
        item_id=get("item_id"),
        evidence=get("evidence"),
        completed_on=get("completed_on"),
    )
