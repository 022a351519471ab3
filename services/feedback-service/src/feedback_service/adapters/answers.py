"""The answers given in feedback rounds (and the older ones given outside rounds), as stored.

The giver's NIP is kept for the one-answer-per-giver rule and to count distinct givers; no
view shows it and no event carries it."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts.vocabulary import FeedbackSource
from kinerja_runtime.db import dialect_name
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import feedback


@dataclass(frozen=True)
class GivenAnswer:
    """What the views need of one answer."""

    source: FeedbackSource
    ratings: dict[str, str]
    giver_nip: str
    comment: str | None


@dataclass(frozen=True)
class StoredAnswer:
    """One answer with everything stored of it."""

    feedback_id: str
    agency_id: str
    period_id: str
    nip: str
    source: FeedbackSource
    giver_nip: str
    ratings: dict
    comment: str | None
    submitted_at: datetime
    round_id: str | None
    checkpoint_id: str | None


def _give(dialect):
    """Insert an answer, or replace the giver's earlier one in the round (uq_feedback_round_giver):
    its ratings, comment and time change, its id stays, and is returned either way."""
    statement = dialect.insert(feedback)
    return statement.on_conflict_do_update(
        index_elements=[feedback.c.round_id, feedback.c.giver_nip],
        set_={c: statement.excluded[c] for c in ("ratings", "comment", "submitted_at")},
    ).returning(feedback.c.feedback_id)


# Built once (their cache keys with them): every answer runs the first, every close the second.
_GIVE = {"postgresql": _give(postgresql), "sqlite": _give(sqlite)}
_OF_ROUNDS = (
    select(feedback)
    .where(feedback.c.round_id.in_(bindparam("round_ids", expanding=True)))
    .order_by(feedback.c.feedback_id)
)


class AnswerRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def _given(self, *where) -> list[GivenAnswer]:
        rows = await self._session.execute(
            select(feedback.c.source, feedback.c.ratings, feedback.c.giver_nip, feedback.c.comment).where(*where)
        )
        return [GivenAnswer(FeedbackSource(r.source), r.ratings, r.giver_nip, r.comment) for r in rows]

    async def of_round(self, round_id: str) -> list[GivenAnswer]:
        return await self._given(feedback.c.round_id == round_id)

    async def outside_rounds(self, agency_id: str, period_id: str, nip: str) -> list[GivenAnswer]:
        """The employee's answers of the period given outside any round."""
        return await self._given(
            feedback.c.agency_id == agency_id,
            feedback.c.period_id == period_id,
            feedback.c.nip == nip,
            feedback.c.round_id.is_(None),
        )

    async def per_source(self, round_id: str) -> dict[str, int]:
        """How many answers the round holds, per source."""
        rows = await self._session.execute(
            select(feedback.c.source, func.count()).where(feedback.c.round_id == round_id).group_by(feedback.c.source)
        )
        return {source: count for source, count in rows}

    async def give(self, answer: StoredAnswer) -> str:
        """Store the giver's answer in its round, replacing the one they gave before (its
        ratings, comment and time; it keeps its id), in one statement. Returns the stored
        answer's id: ``answer.feedback_id`` when it is the giver's first."""
        values = {
            "feedback_id": answer.feedback_id,
            "agency_id": answer.agency_id,
            "period_id": answer.period_id,
            "nip": answer.nip,
            "source": answer.source.value,
            "giver_nip": answer.giver_nip,
            "round_id": answer.round_id,
            "checkpoint_id": answer.checkpoint_id,
            "ratings": answer.ratings,
            "comment": answer.comment,
            "submitted_at": answer.submitted_at,
        }
        return (await self._session.execute(_GIVE[dialect_name(self._session)], values)).scalar_one()

    async def of_rounds(self, round_ids: Collection[str]) -> list[StoredAnswer]:
        """The rounds' answers in feedback_id order (random, so it says nothing of who answered when)."""
        rows = await self._session.execute(_OF_ROUNDS, {"round_ids": list(round_ids)})
        return [StoredAnswer(**{**r._mapping, "source": FeedbackSource(r.source)}) for r in rows]

    async def answered_rounds(self, giver_nip: str, round_ids: Collection[str]) -> set[str]:
        """Those of the rounds the giver answered."""
        rows = await self._session.execute(
            select(feedback.c.round_id).where(feedback.c.giver_nip == giver_nip, feedback.c.round_id.in_(round_ids))
        )
        return set(rows.scalars())
