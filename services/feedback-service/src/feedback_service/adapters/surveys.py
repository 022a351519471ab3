"""Citizen survey answers and the units' latest IKM, as stored."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from kinerja_contracts.vocabulary import Mutu, SkmElement
from kinerja_runtime import bulk
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import citizen_survey_answers as answers_table
from feedback_service.adapters.orm import unit_satisfaction as satisfaction_table
from feedback_service.domain.satisfaction import UnitSatisfaction


@dataclass(frozen=True)
class SurveyAnswer:
    answer_id: str
    agency_id: str
    unit_id: str
    period_id: str
    submission_id: str
    elements: Mapping[SkmElement, int]
    officer_nip: str | None
    comment: str | None
    answered_at: datetime


@dataclass(frozen=True)
class Comment:
    comment: str
    answered_at: datetime


def _of_unit(agency_id: str, unit_id: str, period_id: str) -> tuple:
    return (
        answers_table.c.agency_id == agency_id,
        answers_table.c.unit_id == unit_id,
        answers_table.c.period_id == period_id,
    )


class SurveyAnswerRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def submitted(self, agency_id: str, unit_id: str, submission_id: str) -> str | None:
        """The answer already received for the client's submission id, if any."""
        return await self._session.scalar(
            select(answers_table.c.answer_id).where(
                answers_table.c.agency_id == agency_id,
                answers_table.c.unit_id == unit_id,
                answers_table.c.submission_id == submission_id,
            )
        )

    async def add(self, answer: SurveyAnswer) -> bool:
        """Store the answer; False, storing nothing, when its submission was received meanwhile
        (a racing repeat, refused by the unique constraint)."""
        try:
            await self._session.execute(
                insert(answers_table).values(
                    answer_id=answer.answer_id,
                    agency_id=answer.agency_id,
                    unit_id=answer.unit_id,
                    period_id=answer.period_id,
                    submission_id=answer.submission_id,
                    officer_nip=answer.officer_nip,
                    comment=answer.comment,
                    answered_at=answer.answered_at,
                    **{e.value: score for e, score in answer.elements.items()},
                )
            )
        except IntegrityError:
            return False
        return True

    async def totals(self, agency_id: str, unit_id: str, period_id: str) -> tuple[int, dict[SkmElement, int]]:
        """How many answers the unit has in the period, and each element's score total."""
        row = (
            await self._session.execute(
                select(func.count(), *(func.coalesce(func.sum(answers_table.c[e.value]), 0) for e in SkmElement)).where(
                    *_of_unit(agency_id, unit_id, period_id)
                )
            )
        ).one()
        return int(row[0]), {e: int(total) for e, total in zip(SkmElement, row[1:], strict=True)}

    async def totals_of_units(
        self, keys: Collection[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], tuple[int, dict[SkmElement, int]]]:
        """:meth:`totals` of many (agency_id, unit_id, period_id) at once, grouped in the database:
        one statement. A unit without answers in its period is absent."""
        keys = set(keys)
        if not keys:
            return {}
        c = answers_table.c
        rows = await self._session.execute(
            select(c.agency_id, c.unit_id, c.period_id, func.count(), *(func.sum(c[e.value]) for e in SkmElement))
            .where(bulk.each_in(answers_table, ["agency_id", "unit_id", "period_id"], keys))
            .group_by(c.agency_id, c.unit_id, c.period_id)
        )
        return {
            (r[0], r[1], r[2]): (int(r[3]), {e: int(total) for e, total in zip(SkmElement, r[4:], strict=True)})
            for r in rows
            if (r[0], r[1], r[2]) in keys
        }

    async def naming_an_officer(self, agency_id: str, unit_id: str, period_id: str) -> int:
        return await self._session.scalar(
            select(func.count()).where(
                *_of_unit(agency_id, unit_id, period_id), answers_table.c.officer_nip.is_not(None)
            )
        )

    async def latest_comments(self, agency_id: str, unit_id: str, period_id: str, limit: int) -> list[Comment]:
        rows = await self._session.execute(
            select(answers_table.c.comment, answers_table.c.answered_at)
            .where(*_of_unit(agency_id, unit_id, period_id), answers_table.c.comment.is_not(None))
            .order_by(answers_table.c.answered_at.desc())
            .limit(limit)
        )
        return [Comment(r.comment, r.answered_at) for r in rows]


@dataclass(frozen=True)
class StoredSatisfaction:
    ikm: Decimal  # two decimals, as computed
    mutu: Mutu


def _where(agency_id: str, unit_id: str, period_id: str) -> tuple:
    return (
        satisfaction_table.c.agency_id == agency_id,
        satisfaction_table.c.unit_id == unit_id,
        satisfaction_table.c.period_id == period_id,
    )


def _values(found: UnitSatisfaction, updated_at: datetime) -> dict:
    return {
        "answers": found.answers,
        "ikm": float(found.ikm),
        "mutu": found.mutu.value,
        "element_means": {e.value: float(m) for e, m in found.element_means.items()},
        "updated_at": updated_at,
    }


class SatisfactionRepository:
    """Each unit's latest IKM per period."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, agency_id: str, unit_id: str, period_id: str) -> StoredSatisfaction | None:
        row = (
            await self._session.execute(
                select(satisfaction_table.c.ikm, satisfaction_table.c.mutu).where(
                    *_where(agency_id, unit_id, period_id)
                )
            )
        ).first()
        if row is None:
            return None
        # Stored as a float: back to the two decimals it was computed with.
        return StoredSatisfaction(Decimal(str(row.ikm)).quantize(Decimal("0.01")), Mutu(row.mutu))

    async def add(
        self, agency_id: str, unit_id: str, period_id: str, found: UnitSatisfaction, updated_at: datetime
    ) -> None:
        await self._session.execute(
            insert(satisfaction_table).values(
                agency_id=agency_id, unit_id=unit_id, period_id=period_id, **_values(found, updated_at)
            )
        )

    async def replace(
        self, agency_id: str, unit_id: str, period_id: str, found: UnitSatisfaction, updated_at: datetime
    ) -> None:
        await self._session.execute(
            update(satisfaction_table)
            .where(*_where(agency_id, unit_id, period_id))
            .values(**_values(found, updated_at))
        )
