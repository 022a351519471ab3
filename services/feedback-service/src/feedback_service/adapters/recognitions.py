"""Recognitions as stored, and the citizens' ratings per officer they are chosen from."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts.vocabulary import RecognitionKind, SkmElement
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import citizen_survey_answers as answers_table
from feedback_service.adapters.orm import recognitions as recognitions_table
from feedback_service.domain.recognition import OfficerTotals


@dataclass(frozen=True)
class Recognition:
    recognition_id: str
    agency_id: str
    nip: str
    period_id: str
    checkpoint_id: str | None
    kind: RecognitionKind
    reason: str
    given_by_nip: str
    given_at: datetime


def _recognition(row) -> Recognition:
    return Recognition(**{**row._mapping, "kind": RecognitionKind(row.kind)})


class RecognitionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, recognition: Recognition) -> bool:
        """Store it; False, storing nothing, when the employee already has a recognition of that
        kind for the period and checkpoint (the unique index, also against a racing record)."""
        values = {**recognition.__dict__, "kind": recognition.kind.value}
        try:
            await self._session.execute(insert(recognitions_table).values(**values))
        except IntegrityError:
            return False
        return True

    async def recognised(
        self,
        agency_id: str,
        period_id: str,
        checkpoint_id: str | None,
        kind: RecognitionKind,
        nips: Collection[str],
    ) -> set[str]:
        """Which of ``nips`` already have a recognition of ``kind`` for the period and checkpoint."""
        if not nips:
            return set()
        t = recognitions_table
        rows = await self._session.scalars(
            select(t.c.nip).where(
                t.c.agency_id == agency_id,
                t.c.period_id == period_id,
                func.coalesce(t.c.checkpoint_id, "") == (checkpoint_id or ""),
                t.c.kind == kind.value,
                t.c.nip.in_(sorted(set(nips))),
            )
        )
        return set(rows)

    async def of_employee(self, agency_id: str, nip: str, limit: int) -> list[Recognition]:
        """The employee's latest recognitions in the agency, newest first."""
        t = recognitions_table
        rows = await self._session.execute(
            select(t)
            .where(t.c.agency_id == agency_id, t.c.nip == nip)
            .order_by(t.c.given_at.desc(), t.c.recognition_id)
            .limit(limit)
        )
        return [_recognition(r) for r in rows]


class CitizenRatingRepository:
    """The citizen survey answers naming an officer, added up per officer."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def per_officer(
        self,
        agency_id: str,
        period_id: str,
        start: datetime,
        end: datetime,
        nips: Collection[str] | None = None,
    ) -> list[OfficerTotals]:
        """Per officer named in the period's answers given from ``start`` (inclusive) to ``end``
        (exclusive), of ``nips`` only when given: how many answers and the sum of their scores.
        One statement for any number of officers."""
        a = answers_table
        if nips is not None and not nips:
            return []
        where = [
            a.c.agency_id == agency_id,
            a.c.period_id == period_id,
            a.c.officer_nip.is_not(None),
            a.c.answered_at >= start,
            a.c.answered_at < end,
        ]
        if nips is not None:
            where.append(a.c.officer_nip.in_(sorted(set(nips))))
        score = sum((a.c[e.value] for e in SkmElement), start=0)
        rows = await self._session.execute(
            select(a.c.officer_nip, func.count().label("answers"), func.sum(score).label("score_total"))
            .where(*where)
            .group_by(a.c.officer_nip)
        )
        return [OfficerTotals(r.officer_nip, int(r.answers), int(r.score_total)) for r in rows]
