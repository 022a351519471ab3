"""Use cases of feedback rounds: open, answer (or re-answer), close, and read the results.

A round's answers become FeedbackReceived events when the round closes (or its period does),
not as they are given: consumers then see each giver's final answer once, and what they show
of anonymous answers cannot be watched growing from 3 to 4 while the round is open.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from kinerja_contracts import FeedbackReceived, PerformancePeriodClosed, PerformancePeriodClosedV1
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime import access_log, bulk, roster
from kinerja_runtime.access_log import Kind
from kinerja_runtime.messaging import Delivered
from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import feedback, feedback_rounds, round_givers
from feedback_service.domain import rounds as rounds_rules
from feedback_service.domain.anonymity import Answer, feedback_view
from feedback_service.domain.model import FeedbackRefused, Giver, check_complete
from feedback_service.domain.rounds import (
    FeedbackRound,
    Nomination,
    NotAGiver,
    RoundClosed,
    RoundRefused,
    RoundStatus,
    check_checkpoint,
    check_nominations,
)
from feedback_service.service_layer.periods import open_period_or_conflict, period_checkpoints

NO_SUCH_ROUND = "no such feedback round"
NO_SUCH_EMPLOYEE = "no such employee"  # what roster.employee answers for a missing one
UNKNOWN_GIVER = "no such employee in this agency"
STILL_OPEN = "a round for this employee and checkpoint is still open; close it first"


def refusal(rule: str, field: str | None) -> Unprocessable:
    """A refused request as a 422 naming the rule, and the field at fault (by position, never a NIP)
    the way a validation error names it, so a form shows it next to that field."""
    if field is None:
        return Unprocessable(rule)
    return Unprocessable(f"{field}: {rule}", errors=[{"field": field, "message": rule}])


def manages(caller: Giver, employee: roster.KnownEmployee) -> bool:
    return rounds_rules.manages(caller.nip, caller.is_hr, employee.nip, employee.appraiser_nip)


async def _load(
    session: AsyncSession, agency_id: str, round_id: str, *, lock: bool = False
) -> tuple[dict, FeedbackRound]:
    query = select(feedback_rounds).where(
        feedback_rounds.c.agency_id == agency_id, feedback_rounds.c.round_id == round_id
    )
    # Answers and closing lock the round row, so no answer slips in after a concurrent close.
    row = (await session.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise NotFound(NO_SUCH_ROUND)
    givers = (await session.execute(select(round_givers).where(round_givers.c.round_id == round_id))).all()
    found = FeedbackRound(
        round_id=round_id,
        nip=row.nip,
        checkpoint_id=row.checkpoint_id,
        givers={g.giver_nip: FeedbackSource(g.source) for g in givers},
        status=RoundStatus(row.status),
    )
    return dict(row._mapping), found


async def _manager_or_403(session: AsyncSession, agency_id: str, nip: str, caller: Giver) -> roster.KnownEmployee:
    employee = await roster.employee(session, agency_id, nip)
    if not manages(caller, employee):
        raise Forbidden("only HR or the employee's appraiser may do this")
    return employee


async def _summary(session: AsyncSession, row: dict, found: FeedbackRound) -> dict:
    """The round as HR and the appraiser see it: counts per giver kind, never who answered."""
    answered = dict(
        (
            await session.execute(
                select(feedback.c.source, func.count())
                .where(feedback.c.round_id == found.round_id)
                .group_by(feedback.c.source)
            )
        ).all()
    )
    givers = {
        s.value: {"named": sum(1 for g in found.givers.values() if g is s), "answered": answered.get(s.value, 0)}
        for s in FeedbackSource
    }
    return {
        "round_id": found.round_id,
        "nip": found.nip,
        "period_id": row["period_id"],
        "checkpoint_id": found.checkpoint_id,
        "status": found.status.value,
        "givers": givers,
        "opened_at": row["opened_at"],
        "closed_at": row["closed_at"],
    }


async def open_round(
    uow: UnitOfWork,
    *,
    agency_id: str,
    caller: Giver,
    nip: str,
    period_id: str,
    checkpoint_id: str | None,
    nominations: list[Nomination],
) -> dict:
    async with uow:
        session = uow.session
        employee = await _manager_or_403(session, agency_id, nip, caller)
        await open_period_or_conflict(session, agency_id, period_id)
        try:
            check_checkpoint(
                checkpoint_id, [c["checkpoint_id"] for c in await period_checkpoints(session, agency_id, period_id)]
            )
            check_nominations(
                nominations, employee_nip=nip, appraiser_nip=employee.appraiser_nip, opener_nip=caller.nip
            )
        except RoundRefused as exc:
            raise refusal(str(exc), exc.field) from exc
        for index, n in enumerate(nominations):
            # The appraiser may sit outside the agency's roster (e.g. the head of another unit);
            # every other giver must be a colleague the roster knows.
            if n.source is not FeedbackSource.APPRAISER:
                try:
                    await roster.employee(session, agency_id, n.nip)
                except NotFound as exc:  # a field of the request, not a missing object of the route
                    raise refusal(UNKNOWN_GIVER, f"givers.{index}.nip") from exc
        already = await session.scalar(
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
        if already:
            raise Conflict(STILL_OPEN, round_id=already)
        round_id = str(uuid.uuid4())
        row = {
            "round_id": round_id,
            "agency_id": agency_id,
            "period_id": period_id,
            "nip": nip,
            "checkpoint_id": checkpoint_id,
            "status": RoundStatus.OPEN.value,
            "opened_by": caller.nip,
            "opened_at": datetime.now(UTC),
            "closed_at": None,
        }
        try:
            await session.execute(insert(feedback_rounds).values(**row))
        except IntegrityError as exc:
            # A concurrent open won the race past the check above: the partial unique index
            # (one open round per employee, period and checkpoint) refused this one.
            raise Conflict(STILL_OPEN) from exc
        await session.execute(
            insert(round_givers),
            [{"round_id": round_id, "giver_nip": n.nip, "source": n.source.value} for n in nominations],
        )
        found = FeedbackRound(round_id, nip, checkpoint_id, {n.nip: n.source for n in nominations}, RoundStatus.OPEN)
        summary = await _summary(session, row, found)
        await access_log.record_change(uow, Kind.FEEDBACK_ROUND, round_id, nip)
        await uow.commit()
    return summary


async def answer_round(
    uow: UnitOfWork,
    *,
    agency_id: str,
    round_id: str,
    giver_nip: str,
    ratings: dict[BerakhlakValue, Ekspektasi],
    comment: str | None,
) -> dict:
    """One answer per giver: a second one replaces the first until the round closes, when the
    round's answers are published (see close_round). Not in the access log: the entry would
    name the giver to the employee, whose peers answer anonymously (ADR 0008)."""
    async with uow:
        session = uow.session
        row, found = await _load(session, agency_id, round_id, lock=True)
        try:
            source = found.source_for(giver_nip)
            check_complete(ratings)
        except NotAGiver as exc:
            raise Forbidden(str(exc)) from exc
        except RoundClosed as exc:
            raise Conflict(str(exc)) from exc
        except FeedbackRefused as exc:
            raise Unprocessable(str(exc)) from exc
        await open_period_or_conflict(session, agency_id, row["period_id"])
        now = datetime.now(UTC)
        values = {"ratings": {k.value: v.value for k, v in ratings.items()}, "comment": comment, "submitted_at": now}
        feedback_id = await session.scalar(
            select(feedback.c.feedback_id).where(
                feedback.c.round_id == round_id,
                feedback.c.giver_nip == giver_nip,
            )
        )
        replaced = feedback_id is not None
        if replaced:
            await session.execute(update(feedback).where(feedback.c.feedback_id == feedback_id).values(**values))
        else:
            feedback_id = str(uuid.uuid4())
            await session.execute(
                insert(feedback).values(
                    feedback_id=feedback_id,
                    agency_id=agency_id,
                    period_id=row["period_id"],
                    nip=found.nip,
                    source=source.value,
                    giver_nip=giver_nip,
                    round_id=round_id,
                    checkpoint_id=found.checkpoint_id,
                    **values,
                )
            )
        await uow.commit()
    return {"feedback_id": feedback_id, "round_id": round_id, "source": source.value, "replaced": replaced}


async def close_round(uow: UnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        session = uow.session
        row, found = await _load(session, agency_id, round_id, lock=True)
        await _manager_or_403(session, agency_id, found.nip, caller)
        try:
            found.check_can_close()
        except RoundClosed as exc:
            raise Conflict(str(exc)) from exc
        row |= {"status": RoundStatus.CLOSED.value, "closed_at": datetime.now(UTC)}
        await _close(uow, [round_id], row["closed_at"])
        found = FeedbackRound(found.round_id, found.nip, found.checkpoint_id, found.givers, RoundStatus.CLOSED)
        summary = await _summary(session, row, found)
        await access_log.record_change(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
        await uow.commit()
    return summary


async def _close(
    uow: UnitOfWork, round_ids: Sequence[str], closed_at: datetime, causes: Sequence[Delivered] | None = None
) -> None:
    """Close the (locked, open) rounds and publish their answers, one FeedbackReceived per giver
    in feedback_id order (random), so the order says nothing of who answered when. ``causes``:
    the event that closed them, per round."""
    if not round_ids:
        return
    session = uow.session
    await session.execute(
        update(feedback_rounds)
        .where(feedback_rounds.c.round_id.in_(round_ids))
        .values(
            status=RoundStatus.CLOSED.value,
            closed_at=closed_at,
        )
    )
    rows = (
        await session.execute(
            select(feedback).where(feedback.c.round_id.in_(round_ids)).order_by(feedback.c.feedback_id)
        )
    ).all()
    events = [
        FeedbackReceived(
            agency_id=r.agency_id,
            period_id=r.period_id,
            nip=r.nip,
            feedback_id=r.feedback_id,
            source=r.source,
            ratings=r.ratings,
            submitted_at=r.submitted_at,
            round_id=r.round_id,
            checkpoint_id=r.checkpoint_id,
        )
        for r in rows
    ]
    cause_of = dict(zip(round_ids, causes, strict=True)) if causes else {}
    await uow.publish_many(
        events, causes=[cause_of[e.round_id].envelope.attributes for e in events] if causes else None
    )


async def on_periods_closed(
    batch: Sequence[Delivered[PerformancePeriodClosed | PerformancePeriodClosedV1]], uow: UnitOfWork
) -> None:
    """A closed period takes no more answers: its rounds still open close with it, and their
    answers are published, so appraisal-service gets them (within its settle time)."""
    closed = {(d.event.agency_id, d.event.period_id): d for d in batch}
    rows = (
        await uow.session.execute(
            select(feedback_rounds.c.round_id, feedback_rounds.c.agency_id, feedback_rounds.c.period_id)
            .where(
                bulk.keyed_in(feedback_rounds, ["agency_id", "period_id"], closed),
                feedback_rounds.c.status == RoundStatus.OPEN.value,
            )
            .order_by(feedback_rounds.c.round_id)
            .with_for_update()
        )
    ).all()
    await _close(
        uow, [r.round_id for r in rows], datetime.now(UTC), causes=[closed[r.agency_id, r.period_id] for r in rows]
    )


async def round_summary(uow: UnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        row, found = await _load(uow.session, agency_id, round_id)
        try:
            await _manager_or_403(uow.session, agency_id, found.nip, caller)
        except (Forbidden, NotFound) as exc:
            raise NotFound(NO_SUCH_ROUND) from exc  # a refused read answers like a missing round
        summary = await _summary(uow.session, row, found)
        await access_log.record_read(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
    return summary


async def _answers(session: AsyncSession, *where) -> list[Answer]:
    rows = (
        await session.execute(
            select(feedback.c.source, feedback.c.ratings, feedback.c.giver_nip, feedback.c.comment).where(*where)
        )
    ).all()
    return [Answer(FeedbackSource(r.source), r.ratings, r.giver_nip, r.comment) for r in rows]


def _reader_view(caller: Giver, employee: roster.KnownEmployee, *, missing: str) -> bool:
    """True for the manager's view, False for the employee's; anyone else is refused exactly
    as if the object (``missing`` says which kind) did not exist, so a refusal reveals nothing."""
    if caller.nip == employee.nip:
        return False
    if manages(caller, employee):
        return True
    raise NotFound(missing)


async def round_results(uow: UnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        row, found = await _load(uow.session, agency_id, round_id)
        try:
            employee = await roster.employee(uow.session, agency_id, found.nip)
        except NotFound as exc:
            raise NotFound(NO_SUCH_ROUND) from exc
        for_manager = _reader_view(caller, employee, missing=NO_SUCH_ROUND)
        answers = await _answers(uow.session, feedback.c.round_id == round_id)
        await access_log.record_read(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
    return {
        "round_id": round_id,
        "nip": found.nip,
        "period_id": row["period_id"],
        "checkpoint_id": found.checkpoint_id,
        "status": found.status.value,
        "sources": feedback_view(
            answers, for_manager=for_manager, reader_nip=caller.nip, final=found.status is RoundStatus.CLOSED
        ),
    }


async def period_feedback(uow: UnitOfWork, *, agency_id: str, period_id: str, nip: str, caller: Giver) -> dict:
    """All the period's feedback about an employee, one view per round (and one for feedback
    given outside rounds, which can no longer change). Each group is shown only on its own,
    never merged, so comparing views cannot isolate a single anonymous answer."""
    async with uow:
        session = uow.session
        employee = await roster.employee(session, agency_id, nip)
        for_manager = _reader_view(caller, employee, missing=NO_SUCH_EMPLOYEE)
        rounds = (
            await session.execute(
                select(feedback_rounds)
                .where(
                    feedback_rounds.c.agency_id == agency_id,
                    feedback_rounds.c.period_id == period_id,
                    feedback_rounds.c.nip == nip,
                )
                .order_by(feedback_rounds.c.opened_at)
            )
        ).all()
        views = []
        for r in rounds:
            answers = await _answers(session, feedback.c.round_id == r.round_id)
            views.append(
                {
                    "round_id": r.round_id,
                    "checkpoint_id": r.checkpoint_id,
                    "status": r.status,
                    "sources": feedback_view(
                        answers,
                        for_manager=for_manager,
                        reader_nip=caller.nip,
                        final=r.status == RoundStatus.CLOSED.value,
                    ),
                }
            )
        outside = await _answers(
            session,
            feedback.c.agency_id == agency_id,
            feedback.c.period_id == period_id,
            feedback.c.nip == nip,
            feedback.c.round_id.is_(None),
        )
        await access_log.record_read(uow, Kind.FEEDBACK, period_id, nip)
    return {
        "nip": nip,
        "period_id": period_id,
        "rounds": views,
        "outside_rounds": feedback_view(outside, for_manager=for_manager, reader_nip=caller.nip, final=True),
    }


async def assigned_rounds(uow: UnitOfWork, *, agency_id: str, giver_nip: str) -> list[dict]:
    """The open rounds the caller was named in, and whether they have answered yet (not in the
    access log, as answering is not: it would name a giver to the employee)."""
    async with uow:
        rows = (
            await uow.session.execute(
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
        ).all()
        answered = set(
            (
                await uow.session.execute(
                    select(feedback.c.round_id).where(
                        feedback.c.giver_nip == giver_nip,
                        feedback.c.round_id.in_([r.round_id for r in rows]),
                    )
                )
            ).scalars()
        )
    return [
        {
            "round_id": r.round_id,
            "nip": r.nip,
            "period_id": r.period_id,
            "checkpoint_id": r.checkpoint_id,
            "source": r.source,
            "answered": r.round_id in answered,
        }
        for r in rows
    ]
