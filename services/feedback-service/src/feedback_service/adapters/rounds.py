"""Feedback rounds as stored: the round's row and the givers named in it."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts.vocabulary import FeedbackSource
from kinerja_runtime import bulk
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import feedback_rounds, round_givers
from feedback_service.domain.rounds import FeedbackRound, Nomination, RoundStatus


@dataclass(frozen=True)
class RoundRow:
    """A round's own columns (who was named in it is read apart, see :meth:`RoundRepository.get`)."""

    round_id: str
    agency_id: str
    period_id: str
    nip: str
    checkpoint_id: str | None
    status: RoundStatus
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Assignment:
    """An open round a giver was named in, and as what."""

    round_id: str
    nip: str
    period_id: str
    checkpoint_id: str | None
    source: FeedbackSource


@dataclass(frozen=True)
class OpenRound:
    """An open round of a period, as a period's close finds it."""

    round_id: str
    agency_id: str
    period_id: str


def _row(r) -> RoundRow:
    return RoundRow(**{**r._mapping, "status": RoundStatus(r.status)})


class RoundRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, agency_id: str, round_id: str, *, lock: bool = False) -> tuple[RoundRow, FeedbackRound] | None:
        """The round and its givers; ``lock``: the round's row is locked until the transaction
        ends (answers and closing lock it, so no answer slips in after a concurrent close)."""
        query = select(feedback_rounds).where(
            feedback_rounds.c.agency_id == agency_id, feedback_rounds.c.round_id == round_id
        )
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            return None
        givers = (await self._session.execute(select(round_givers).where(round_givers.c.round_id == round_id))).all()
        found = FeedbackRound(
            round_id=round_id,
            nip=row.nip,
            checkpoint_id=row.checkpoint_id,
            givers={g.giver_nip: FeedbackSource(g.source) for g in givers},
            status=RoundStatus(row.status),
        )
        return _row(row), found

    async def open_round_id(self, agency_id: str, period_id: str, nip: str, checkpoint_id: str | None) -> str | None:
        """The employee's round still open for the period and checkpoint, if any."""
        return await self._session.scalar(
            select(feedback_rounds.c.round_id).where(
                feedback_rounds.c.agency_id == agency_id,
                feedback_rounds.c.period_id == period_id,
                feedback_rounds.c.nip == nip,
                feedback_rounds.c.status == RoundStatus.OPEN.value,
                feedback_rounds.c.checkpoint_id.is_(None)
                if checkpoint_id is None
                else feedback_rounds.c.checkpoint_id == checkpoint_id,
            )
        )

    async def add(self, row: RoundRow, nominations: Sequence[Nomination]) -> bool:
        """Store a new round and its givers. False, storing nothing, when another round of the
        employee, period and checkpoint is open: a concurrent open won the race past
        :meth:`open_round_id` and the partial unique index refused this one."""
        try:
            await self._session.execute(
                insert(feedback_rounds).values(
                    round_id=row.round_id,
                    agency_id=row.agency_id,
                    period_id=row.period_id,
                    nip=row.nip,
                    checkpoint_id=row.checkpoint_id,
                    status=row.status.value,
                    opened_by=row.opened_by,
                    opened_at=row.opened_at,
                    closed_at=row.closed_at,
                )
            )
        except IntegrityError:
            return False
        await self._session.execute(
            insert(round_givers),
            [{"round_id": row.round_id, "giver_nip": n.nip, "source": n.source.value} for n in nominations],
        )
        return True

    async def close(self, round_ids: Collection[str], closed_at: datetime) -> None:
        await self._session.execute(
            update(feedback_rounds)
            .where(feedback_rounds.c.round_id.in_(round_ids))
            .values(status=RoundStatus.CLOSED.value, closed_at=closed_at)
        )

    async def open_in_periods(self, periods: Collection[tuple[str, str]]) -> list[OpenRound]:
        """The rounds still open of the (agency, period) pairs, locked, in round_id order."""
        rows = (
            await self._session.execute(
                select(feedback_rounds.c.round_id, feedback_rounds.c.agency_id, feedback_rounds.c.period_id)
                .where(
                    bulk.keyed_in(feedback_rounds, ["agency_id", "period_id"], periods),
                    feedback_rounds.c.status == RoundStatus.OPEN.value,
                )
                .order_by(feedback_rounds.c.round_id)
                .with_for_update()
            )
        ).all()
        return [OpenRound(r.round_id, r.agency_id, r.period_id) for r in rows]

    async def of_employee(self, agency_id: str, period_id: str, nip: str) -> list[RoundRow]:
        """The employee's rounds of the period, in the order they were opened."""
        rows = await self._session.execute(
            select(feedback_rounds)
            .where(
                feedback_rounds.c.agency_id == agency_id,
                feedback_rounds.c.period_id == period_id,
                feedback_rounds.c.nip == nip,
            )
            .order_by(feedback_rounds.c.opened_at)
        )
        return [_row(r) for r in rows]

    async def assigned_to(self, agency_id: str, giver_nip: str) -> list[Assignment]:
        """The open rounds ``giver_nip`` was named in, in the order they were opened."""
        rows = await self._session.execute(
            select(
                feedback_rounds.c.round_id,
                feedback_rounds.c.nip,
                feedback_rounds.c.period_id,
                feedback_rounds.c.checkpoint_id,
                round_givers.c.source,
            )
            .join(round_givers, round_givers.c.round_id == feedback_rounds.c.round_id)
            .where(
                feedback_rounds.c.agency_id == agency_id,
                feedback_rounds.c.status == RoundStatus.OPEN.value,
                round_givers.c.giver_nip == giver_nip,
            )
            .order_by(feedback_rounds.c.opened_at)
        )
        return [Assignment(r.round_id, r.nip, r.period_id, r.checkpoint_id, FeedbackSource(r.source)) for r in rows]
