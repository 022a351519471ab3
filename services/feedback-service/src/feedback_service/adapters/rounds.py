"""Feedback rounds as stored: the round's row and the givers named in it."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from kinerja_contracts.vocabulary import FeedbackSource
from kinerja_runtime import bulk
from kinerja_runtime.db import dialect_name
from kinerja_runtime.roster import period_status_column
from sqlalchemy import bindparam, func, insert, literal_column, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import OPEN_ROUND, feedback_rounds, round_givers
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


# The statements every answer and close runs, built once: SQLAlchemy derives a statement's
# cache key on each execution of a new statement object, which for these costs more than
# PostgreSQL's work; a module-level statement keeps its key, and the values go as parameters.
_ROUND_FIELDS = [f.name for f in fields(RoundRow)]
# The round with its givers, one row per giver (outer join: a round always names some, but
# its row is what says it exists).
_ROUND_WITH_GIVERS = (
    select(
        *(feedback_rounds.c[name] for name in _ROUND_FIELDS),
        round_givers.c.giver_nip,
        round_givers.c.source.label("giver_source"),
    )
    .outerjoin(round_givers, round_givers.c.round_id == feedback_rounds.c.round_id)
    .where(feedback_rounds.c.agency_id == bindparam("agency_id"), feedback_rounds.c.round_id == bindparam("round_id"))
)
# Only the round's row is locked (FOR UPDATE OF): the givers never change once named.
_ROUND_WITH_GIVERS_LOCKED = _ROUND_WITH_GIVERS.with_for_update(of=feedback_rounds)
# An answer's read: the same, with the status of the round's period as the roster has it.
_ROUND_TO_ANSWER = _ROUND_WITH_GIVERS.add_columns(
    period_status_column(feedback_rounds.c.agency_id, feedback_rounds.c.period_id).label("period_status")
).with_for_update(of=feedback_rounds)


def _open_round_insert(dialect):
    """Insert a round unless the employee has one open for the period and checkpoint: the
    conflict target is the partial unique index uq_feedback_rounds_open, written as it is
    (literals, not parameters, so the database can match it to the index)."""
    return (
        dialect.insert(feedback_rounds)
        .on_conflict_do_nothing(
            index_elements=[
                feedback_rounds.c.agency_id,
                feedback_rounds.c.period_id,
                feedback_rounds.c.nip,
                func.coalesce(feedback_rounds.c.checkpoint_id, literal_column("''")),
            ],
            index_where=text(OPEN_ROUND),
        )
        .returning(feedback_rounds.c.round_id)
    )


_INSERT_ROUND = {"postgresql": _open_round_insert(postgresql), "sqlite": _open_round_insert(sqlite)}
_INSERT_GIVERS = insert(round_givers)
_CLOSE = (
    update(feedback_rounds)
    .where(feedback_rounds.c.round_id.in_(bindparam("round_ids", expanding=True)))
    .values(status=RoundStatus.CLOSED.value, closed_at=bindparam("closed_at"))
)


def _round(round_id: str, rows) -> tuple[RoundRow, FeedbackRound]:
    """The round and its givers from its rows of :data:`_ROUND_WITH_GIVERS` (one per giver)."""
    first = rows[0]
    row = RoundRow(**{**{name: getattr(first, name) for name in _ROUND_FIELDS}, "status": RoundStatus(first.status)})
    found = FeedbackRound(
        round_id=round_id,
        nip=row.nip,
        checkpoint_id=row.checkpoint_id,
        givers={g.giver_nip: FeedbackSource(g.giver_source) for g in rows if g.giver_nip is not None},
        status=row.status,
    )
    return row, found


class RoundRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, agency_id: str, round_id: str, *, lock: bool = False) -> tuple[RoundRow, FeedbackRound] | None:
        """The round and its givers, in one statement; ``lock``: the round's row is locked until
        the transaction ends (answers and closing lock it, so no answer slips in after a
        concurrent close)."""
        query = _ROUND_WITH_GIVERS_LOCKED if lock else _ROUND_WITH_GIVERS
        rows = (await self._session.execute(query, {"agency_id": agency_id, "round_id": round_id})).all()
        return _round(round_id, rows) if rows else None

    async def to_answer(self, agency_id: str, round_id: str) -> tuple[RoundRow, FeedbackRound, str | None] | None:
        """As :meth:`get` with ``lock``, and the status of the round's period in the roster
        (None: not projected), in the same statement."""
        rows = (await self._session.execute(_ROUND_TO_ANSWER, {"agency_id": agency_id, "round_id": round_id})).all()
        return (*_round(round_id, rows), rows[0].period_status) if rows else None

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
        employee, period and checkpoint is open (the partial unique index; a concurrent open
        is waited for): then :meth:`open_round_id` names it."""
        values = {name: getattr(row, name) for name in _ROUND_FIELDS} | {"status": row.status.value}
        inserted = await self._session.execute(_INSERT_ROUND[dialect_name(self._session)], values)
        if inserted.first() is None:
            return False
        await self._session.execute(
            _INSERT_GIVERS,
            [{"round_id": row.round_id, "giver_nip": n.nip, "source": n.source.value} for n in nominations],
        )
        return True

    async def close(self, round_ids: Collection[str], closed_at: datetime) -> None:
        await self._session.execute(_CLOSE, {"round_ids": list(round_ids), "closed_at": closed_at})

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
