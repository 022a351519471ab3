"""Recognitions of employees, projected from RecognitionGiven: the talent pool's evidence."""

from collections import defaultdict
from collections.abc import Collection, Iterable

from kinerja_runtime import bulk
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from training_service.adapters.orm import recognitions

SHOWN = ("recognition_id", "period_id", "checkpoint_id", "kind", "reason", "given_by_nip", "given_at")


class RecognitionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def save(self, rows: Iterable[dict]) -> None:
        """Keep each recognition once: a replayed event changes nothing (one statement)."""
        await bulk.insert_new(self._session, recognitions, rows, ["recognition_id"])

    async def latest_of(self, agency_id: str, nips: Collection[str], per_employee: int) -> dict[str, list[dict]]:
        """Each employee's latest ``per_employee`` recognitions in the agency, newest first, by NIP:
        one statement for any number of employees."""
        if not nips:
            return {}
        t = recognitions
        ranked = (
            select(
                t.c.nip,
                *(t.c[c] for c in SHOWN),
                func.row_number()
                .over(partition_by=t.c.nip, order_by=(t.c.given_at.desc(), t.c.recognition_id))
                .label("rank"),
            )
            .where(t.c.agency_id == agency_id, t.c.nip.in_(sorted(set(nips))))
            .subquery()
        )
        rows = await self._session.execute(
            select(ranked).where(ranked.c.rank <= per_employee).order_by(ranked.c.nip, ranked.c.rank)
        )
        found: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            found[r.nip].append({c: r._mapping[c] for c in SHOWN})
        return dict(found)
