"""Use cases of feedback rounds: open, answer (or re-answer), close, and read the results.

A round's answers become FeedbackReceived events when the round closes (or its period does),
not as they are given: consumers then see each giver's final answer once, and what they show
of anonymous answers cannot be watched growing from 3 to 4 while the round is open.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from kinerja_contracts import FeedbackReceived, PerformancePeriodClosed, PerformancePeriodClosedV1
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.messaging import Delivered
from kinerja_runtime.refusals import NotFound, NotPermitted, WrongState
from kinerja_runtime.roster import KnownEmployee

from feedback_service.adapters.answers import GivenAnswer, StoredAnswer
from feedback_service.adapters.rounds import RoundRow
from feedback_service.domain import rounds as rounds_rules
from feedback_service.domain.anonymity import Answer, feedback_view
from feedback_service.domain.model import Giver, check_complete
from feedback_service.domain.rounds import (
    FeedbackRound,
    Nomination,
    RoundRefused,
    RoundStatus,
    check_checkpoint,
    check_nominations,
)
from feedback_service.service_layer.periods import check_open, open_period
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork

NO_SUCH_ROUND = "no such feedback round"
NO_SUCH_EMPLOYEE = "no such employee"
UNKNOWN_GIVER = "no such employee in this agency"
STILL_OPEN = "a round for this employee and checkpoint is still open; close it first"
MANAGERS_ONLY = "only HR or the employee's appraiser may do this"


def manages(caller: Giver, employee: KnownEmployee) -> bool:
    return rounds_rules.manages(caller.nip, caller.is_hr, employee.nip, employee.appraiser_nip)


async def _round_or_404(
    uow: FeedbackUnitOfWork, agency_id: str, round_id: str, *, lock: bool = False
) -> tuple[RoundRow, FeedbackRound]:
    found = await uow.rounds.get(agency_id, round_id, lock=lock)
    if found is None:
        raise NotFound(NO_SUCH_ROUND)
    return found


def _known(employee: KnownEmployee | None) -> KnownEmployee:
    if employee is None:
        raise NotFound(NO_SUCH_EMPLOYEE)  # never echo the NIP (issue 8, item 6)
    return employee


def _managed_by(caller: Giver, employee: KnownEmployee | None) -> KnownEmployee:
    """The employee, whom ``caller`` must manage (404 for an unknown employee, else 403)."""
    employee = _known(employee)
    if not manages(caller, employee):
        raise NotPermitted(MANAGERS_ONLY)
    return employee


async def _employee_or_404(uow: FeedbackUnitOfWork, agency_id: str, nip: str) -> KnownEmployee:
    return _known(await uow.roster.employee(agency_id, nip))


async def _manager_or_403(uow: FeedbackUnitOfWork, agency_id: str, nip: str, caller: Giver) -> KnownEmployee:
    return _managed_by(caller, await uow.roster.employee(agency_id, nip))


def _per_source(answers: Sequence[StoredAnswer]) -> dict[str, int]:
    return dict(Counter(a.source.value for a in answers))


def _summary(row: RoundRow, found: FeedbackRound, answered: dict[str, int]) -> dict:
    """The round as HR and the appraiser see it: counts per giver kind (``answered``: the
    answers given, per source), never who answered."""
    givers = {
        s.value: {"named": sum(1 for g in found.givers.values() if g is s), "answered": answered.get(s.value, 0)}
        for s in FeedbackSource
    }
    return {
        "round_id": found.round_id,
        "nip": found.nip,
        "period_id": row.period_id,
        "checkpoint_id": found.checkpoint_id,
        "status": found.status.value,
        "givers": givers,
        "opened_at": row.opened_at,
        "closed_at": row.closed_at,
    }


async def open_round(
    uow: FeedbackUnitOfWork,
    *,
    agency_id: str,
    caller: Giver,
    nip: str,
    period_id: str,
    checkpoint_id: str | None,
    nominations: list[Nomination],
) -> dict:
    async with uow:
        # The employee and the colleagues named as givers in one read. The appraiser may sit
        # outside the agency's roster (e.g. the head of another unit); every other giver must
        # be a colleague the roster knows.
        colleagues = [n.nip for n in nominations if n.source is not FeedbackSource.APPRAISER]
        known = await uow.roster.employees(agency_id, [nip, *colleagues])
        employee = _managed_by(caller, known.get(nip))
        period = await open_period(uow, agency_id, period_id)
        check_checkpoint(checkpoint_id, [c["checkpoint_id"] for c in period.checkpoints])
        check_nominations(nominations, employee_nip=nip, appraiser_nip=employee.appraiser_nip, opener_nip=caller.nip)
        for index, n in enumerate(nominations):
            if n.source is not FeedbackSource.APPRAISER and n.nip not in known:
                # A field of the request, not a missing object of the route.
                raise RoundRefused(UNKNOWN_GIVER, field=f"givers.{index}.nip")
        row = RoundRow(
            round_id=str(uuid.uuid4()),
            agency_id=agency_id,
            period_id=period_id,
            nip=nip,
            checkpoint_id=checkpoint_id,
            status=RoundStatus.OPEN,
            opened_by=caller.nip,
            opened_at=uow.clock.now(),
        )
        if not await uow.rounds.add(row, nominations):
            # One open round per employee, period and checkpoint: name the one open (None
            # only if it closed meanwhile).
            already = await uow.rounds.open_round_id(agency_id, period_id, nip, checkpoint_id)
            raise WrongState(STILL_OPEN, round_id=already) if already else WrongState(STILL_OPEN)
        found = FeedbackRound(
            row.round_id, nip, checkpoint_id, {n.nip: n.source for n in nominations}, RoundStatus.OPEN
        )
        summary = _summary(row, found, {})  # a new round has no answers yet
        await access_log.record_change(uow, Kind.FEEDBACK_ROUND, row.round_id, nip)
        await uow.commit()
    return summary


async def answer_round(
    uow: FeedbackUnitOfWork,
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
        # The round, locked, with its period's status: one statement.
        to_answer = await uow.rounds.to_answer(agency_id, round_id)
        if to_answer is None:
            raise NotFound(NO_SUCH_ROUND)
        row, found, period_status = to_answer
        source = found.source_for(giver_nip)
        check_complete(ratings)
        check_open(period_status)
        new_id = str(uuid.uuid4())
        # The giver's earlier answer, if any, is replaced and keeps its id.
        feedback_id = await uow.answers.give(
            StoredAnswer(
                feedback_id=new_id,
                agency_id=agency_id,
                period_id=row.period_id,
                nip=found.nip,
                source=source,
                giver_nip=giver_nip,
                ratings={k.value: v.value for k, v in ratings.items()},
                comment=comment,
                submitted_at=uow.clock.now(),
                round_id=round_id,
                checkpoint_id=found.checkpoint_id,
            )
        )
        await uow.commit()
    return {"feedback_id": feedback_id, "round_id": round_id, "source": source.value, "replaced": feedback_id != new_id}


async def close_round(uow: FeedbackUnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        row, found = await _round_or_404(uow, agency_id, round_id, lock=True)
        await _manager_or_403(uow, agency_id, found.nip, caller)
        found.check_can_close()
        closed_at = uow.clock.now()
        answers = await _close(uow, [round_id], closed_at)
        row = replace(row, status=RoundStatus.CLOSED, closed_at=closed_at)
        found = replace(found, status=RoundStatus.CLOSED)
        summary = _summary(row, found, _per_source(answers))
        await access_log.record_change(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
        await uow.commit()
    return summary


async def _close(
    uow: FeedbackUnitOfWork,
    round_ids: Sequence[str],
    closed_at: datetime,
    causes: Sequence[Delivered] | None = None,
) -> list[StoredAnswer]:
    """Close the (locked, open) rounds and publish their answers, one FeedbackReceived per giver
    in feedback_id order (random), so the order says nothing of who answered when. ``causes``:
    the event that closed them, per round. Returns the answers published."""
    if not round_ids:
        return []
    await uow.rounds.close(round_ids, closed_at)
    answers = await uow.answers.of_rounds(round_ids)
    events = [
        FeedbackReceived(
            agency_id=a.agency_id,
            period_id=a.period_id,
            nip=a.nip,
            feedback_id=a.feedback_id,
            source=a.source,
            ratings=a.ratings,
            submitted_at=a.submitted_at,
            round_id=a.round_id,
            checkpoint_id=a.checkpoint_id,
        )
        for a in answers
    ]
    cause_of: dict[str | None, Delivered] = dict(zip(round_ids, causes, strict=True)) if causes else {}
    await uow.publish_many(
        events, causes=[cause_of[a.round_id].envelope.attributes for a in answers] if causes else None
    )
    return answers


async def on_periods_closed(
    batch: Sequence[Delivered[PerformancePeriodClosed | PerformancePeriodClosedV1]], uow: FeedbackUnitOfWork
) -> None:
    """A closed period takes no more answers: its rounds still open close with it, and their
    answers are published, so appraisal-service gets them (within its settle time)."""
    closed = {(d.event.agency_id, d.event.period_id): d for d in batch}
    found = await uow.rounds.open_in_periods(closed)
    await _close(
        uow,
        [r.round_id for r in found],
        uow.clock.now(),
        causes=[closed[r.agency_id, r.period_id] for r in found],
    )


async def round_summary(uow: FeedbackUnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        row, found = await _round_or_404(uow, agency_id, round_id)
        employee = await uow.roster.employee(agency_id, found.nip)
        if employee is None or not manages(caller, employee):
            raise NotFound(NO_SUCH_ROUND)  # a refused read answers like a missing round
        summary = _summary(row, found, await uow.answers.per_source(round_id))
        await access_log.record_read(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
    return summary


def _answers(given: Sequence[GivenAnswer | StoredAnswer]) -> list[Answer]:
    return [Answer(a.source, a.ratings, a.giver_nip, a.comment) for a in given]


def _reader_view(caller: Giver, employee: KnownEmployee, *, missing: str) -> bool:
    """True for the manager's view, False for the employee's; anyone else is refused exactly
    as if the object (``missing`` says which kind) did not exist, so a refusal reveals nothing."""
    if caller.nip == employee.nip:
        return False
    if manages(caller, employee):
        return True
    raise NotFound(missing)


async def round_results(uow: FeedbackUnitOfWork, *, agency_id: str, round_id: str, caller: Giver) -> dict:
    async with uow:
        row, found = await _round_or_404(uow, agency_id, round_id)
        employee = await uow.roster.employee(agency_id, found.nip)
        if employee is None:
            raise NotFound(NO_SUCH_ROUND)
        for_manager = _reader_view(caller, employee, missing=NO_SUCH_ROUND)
        answers = _answers(await uow.answers.of_round(round_id))
        await access_log.record_read(uow, Kind.FEEDBACK_ROUND, round_id, found.nip)
    return {
        "round_id": round_id,
        "nip": found.nip,
        "period_id": row.period_id,
        "checkpoint_id": found.checkpoint_id,
        "status": found.status.value,
        "sources": feedback_view(
            answers, for_manager=for_manager, reader_nip=caller.nip, final=found.status is RoundStatus.CLOSED
        ),
    }


async def period_feedback(uow: FeedbackUnitOfWork, *, agency_id: str, period_id: str, nip: str, caller: Giver) -> dict:
    """All the period's feedback about an employee, one view per round (and one for feedback
    given outside rounds, which can no longer change). Each group is shown only on its own,
    never merged, so comparing views cannot isolate a single anonymous answer."""
    async with uow:
        employee = await _employee_or_404(uow, agency_id, nip)
        for_manager = _reader_view(caller, employee, missing=NO_SUCH_EMPLOYEE)
        views = []
        employee_rounds = await uow.rounds.of_employee(agency_id, period_id, nip)
        # One read for the answers of all the employee's rounds, not one per round.
        by_round: dict[str | None, list[StoredAnswer]] = defaultdict(list)
        if employee_rounds:
            for a in await uow.answers.of_rounds([r.round_id for r in employee_rounds]):
                by_round[a.round_id].append(a)
        for r in employee_rounds:
            answers = _answers(by_round[r.round_id])
            views.append(
                {
                    "round_id": r.round_id,
                    "checkpoint_id": r.checkpoint_id,
                    "status": r.status.value,
                    "sources": feedback_view(
                        answers,
                        for_manager=for_manager,
                        reader_nip=caller.nip,
                        final=r.status is RoundStatus.CLOSED,
                    ),
                }
            )
        outside = _answers(await uow.answers.outside_rounds(agency_id, period_id, nip))
        await access_log.record_read(uow, Kind.FEEDBACK, period_id, nip)
    return {
        "nip": nip,
        "period_id": period_id,
        "rounds": views,
        "outside_rounds": feedback_view(outside, for_manager=for_manager, reader_nip=caller.nip, final=True),
    }


async def assigned_rounds(uow: FeedbackUnitOfWork, *, agency_id: str, giver_nip: str) -> list[dict]:
    """The open rounds the caller was named in, and whether they have answered yet (not in the
    access log, as answering is not: it would name a giver to the employee)."""
    async with uow:
        assigned = await uow.rounds.assigned_to(agency_id, giver_nip)
        answered = await uow.answers.answered_rounds(giver_nip, [a.round_id for a in assigned]) if assigned else set()
    return [
        {
            "round_id": a.round_id,
            "nip": a.nip,
            "period_id": a.period_id,
            "checkpoint_id": a.checkpoint_id,
            "source": a.source.value,
            "answered": a.round_id in answered,
        }
        for a in assigned
    ]
