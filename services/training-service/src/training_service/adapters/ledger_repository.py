"""The JP ledger: every completed activity, in a plan or not. Only verified entries count
(a claim counts once HR or the appraiser verifies it)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from kinerja_runtime import bulk
from sqlalchemy import case, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import jp_ledger
from training_service.domain import EntryStatus

COUNTS = jp_ledger.c.status == EntryStatus.VERIFIED.value
"""The entries whose JP count toward the entitlement, plans and reports."""

YearKey = tuple[str, str, int]  # (agency_id, nip, year)


@dataclass(frozen=True)
class YearDone:
    """What an employee's ledger holds for a year: the JP and the courses completed."""

    jp: int = 0
    codes: frozenset[str] = frozenset()


class Credited(NamedTuple):
    """A verified entry as the SIASN export maps it: what TrainingCompleted announced of it, and
    the activity's title (the evidence is not exported)."""

    entry_id: str
    agency_id: str
    nip: str
    year: int
    catalogue_code: str
    jp: int
    plan_id: str | None
    item_id: str | None
    completed_on: date
    title: str


_CREDITED_COLUMNS = tuple(jp_ledger.c[name] for name in Credited._fields)


def _jp_of(status: EntryStatus):
    return func.coalesce(func.sum(case((jp_ledger.c.status == status.value, jp_ledger.c.jp), else_=0)), 0)


class LedgerRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, entry: dict) -> None:
        await self._session.execute(insert(jp_ledger).values(**entry))

    async def entry(self, agency_id: str, nip: str, entry_id: str) -> dict | None:
        row = (
            await self._session.execute(
                select(jp_ledger).where(
                    jp_ledger.c.agency_id == agency_id, jp_ledger.c.nip == nip, jp_ledger.c.entry_id == entry_id
                )
            )
        ).first()
        return dict(row._mapping) if row else None

    async def decide_claim(
        self, entry_id: str, decision: EntryStatus, reviewed_by: str, at: datetime, note: str | None
    ) -> bool:
        """Decide a claim still waiting (a conditional update: of two reviewers at the same
        moment only one decides); whether this call decided it."""
        decided = await self._session.execute(
            update(jp_ledger)
            .where(jp_ledger.c.entry_id == entry_id, jp_ledger.c.status == EntryStatus.CLAIMED.value)
            .values(status=decision.value, reviewed_by=reviewed_by, reviewed_at=at, review_note=note)
        )
        return decided.rowcount == 1

    async def completed_jp(self, agency_id: str, nip: str, year: int) -> int:
        total = await self._session.scalar(
            select(func.coalesce(func.sum(jp_ledger.c.jp), 0)).where(
                jp_ledger.c.agency_id == agency_id,
                jp_ledger.c.nip == nip,
                jp_ledger.c.year == year,
                COUNTS,
            )
        )
        return int(total or 0)

    async def completed_codes(self, agency_id: str, nip: str, year: int) -> set[str]:
        rows = await self._session.scalars(
            select(jp_ledger.c.catalogue_code).where(
                jp_ledger.c.agency_id == agency_id,
                jp_ledger.c.nip == nip,
                jp_ledger.c.year == year,
                COUNTS,
            )
        )
        return set(rows.all())

    async def completed_in(self, keys: Iterable[YearKey]) -> dict[YearKey, YearDone]:
        """:meth:`completed_jp` and :meth:`completed_codes` of many (agency_id, nip, year) at
        once; a key with nothing completed is absent."""
        keys = set(keys)
        if not keys:
            return {}
        c = jp_ledger.c
        rows = (
            await self._session.execute(
                select(c.agency_id, c.nip, c.year, c.jp, c.catalogue_code).where(
                    bulk.among(self._session, jp_ledger, ["agency_id", "nip", "year"], keys), COUNTS
                )
            )
        ).all()
        jp: dict[YearKey, int] = defaultdict(int)
        codes: dict[YearKey, set[str]] = defaultdict(set)
        for r in rows:
            jp[(r.agency_id, r.nip, r.year)] += r.jp
            codes[(r.agency_id, r.nip, r.year)].add(r.catalogue_code)
        return {key: YearDone(jp[key], frozenset(codes[key])) for key in jp}

    async def totals(self, agency_id: str, nip: str, year: int) -> tuple[int, int]:
        """The employee's verified and claimed JP of the year."""
        verified, claimed = (
            await self._session.execute(
                select(_jp_of(EntryStatus.VERIFIED), _jp_of(EntryStatus.CLAIMED)).where(
                    *self._of_year(agency_id, nip, year)
                )
            )
        ).one()
        return verified, claimed

    async def page(self, agency_id: str, nip: str, year: int, limit: int, offset: int) -> list[dict]:
        """A page of the employee's entries of the year, in the order they were completed."""
        rows = await self._session.execute(
            select(jp_ledger)
            .where(*self._of_year(agency_id, nip, year))
            .order_by(jp_ledger.c.completed_on, jp_ledger.c.recorded_at, jp_ledger.c.entry_id)
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows.all()]

    async def totals_of_agency(self, agency_id: str, year: int) -> dict[str, tuple[int, int]]:
        """Verified and claimed JP of the year of everyone with an entry in it, by NIP."""
        rows = await self._session.execute(
            select(
                jp_ledger.c.nip,
                _jp_of(EntryStatus.VERIFIED).label("verified"),
                _jp_of(EntryStatus.CLAIMED).label("claimed"),
            )
            .where(jp_ledger.c.agency_id == agency_id, jp_ledger.c.year == year)
            .group_by(jp_ledger.c.nip)
        )
        return {r.nip: (r.verified, r.claimed) for r in rows.all()}

    async def agencies_crediting(self, year: int) -> list[str]:
        """The agencies with verified entries in ``year``, in order: one statement."""
        rows = await self._session.scalars(
            select(jp_ledger.c.agency_id)
            .where(jp_ledger.c.year == year, COUNTS)
            .distinct()
            .order_by(jp_ledger.c.agency_id)
        )
        return list(rows.all())

    async def credited_page(
        self, agency_id: str, year: int, *, after: tuple[str, date, str] | None, limit: int
    ) -> list[Credited]:
        """A page of the agency's verified entries of ``year`` by (NIP, completion day, entry id),
        after ``after`` (the last page's last): keyset pagination, one statement however far."""
        c = jp_ledger.c
        query = select(*_CREDITED_COLUMNS).where(c.agency_id == agency_id, c.year == year, COUNTS)
        if after is not None:
            query = query.where(tuple_(c.nip, c.completed_on, c.entry_id) > tuple_(*after))
        rows = await self._session.execute(query.order_by(c.nip, c.completed_on, c.entry_id).limit(limit))
        return [Credited(*r) for r in rows]

    @staticmethod
    def _of_year(agency_id: str, nip: str, year: int):
        return (jp_ledger.c.agency_id == agency_id, jp_ledger.c.nip == nip, jp_ledger.c.year == year)
