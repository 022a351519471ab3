"""Use cases of feedback-service."""

import uuid
from collections import Counter
from datetime import UTC, datetime

from kinerja_contracts import FeedbackReceived
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime import roster
from kinerja_runtime.problems import Conflict, Forbidden
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select

from feedback_service.adapters.orm import feedback
from feedback_service.domain.model import FeedbackRefused, Giver, check_complete, check_giver


async def submit_feedback(
    uow: UnitOfWork,
    *,
    agency_id: str,
    period_id: str,
    nip: str,
    source: FeedbackSource,
    ratings: dict[BerakhlakValue, Ekspektasi],
    giver: Giver,
    comment: str | None,
) -> str:
    async with uow:
        employee = await roster.employee(uow.session, agency_id, nip)
        period = await roster.period(uow.session, agency_id, period_id)
        if period.status != "open":
            raise Conflict(f"period {period_id} is closed; no feedback can be recorded")
        try:
            check_complete(ratings)
            check_giver(source, giver, nip, employee.appraiser_nip)
        except FeedbackRefused as exc:
            raise Forbidden(str(exc)) from exc
        feedback_id = str(uuid.uuid4())
        now = datetime.now(UTC)
        await uow.session.execute(insert(feedback).values(
            feedback_id=feedback_id, agency_id=agency_id, period_id=period_id, nip=nip, source=source.value,
            giver_nip=giver.nip, ratings={k.value: v.value for k, v in ratings.items()}, comment=comment,
            submitted_at=now,
        ))
        await uow.publish(FeedbackReceived(
            agency_id=agency_id, period_id=period_id, nip=nip, feedback_id=feedback_id, source=source,
            ratings=ratings, submitted_at=now,
        ))
        await uow.commit()
    return feedback_id


async def feedback_summary(uow: UnitOfWork, *, agency_id: str, period_id: str, nip: str) -> dict:
    """Per value and source, how many answers gave each level; no giver identity."""
    async with uow:
        await roster.employee(uow.session, agency_id, nip)
        rows = (await uow.session.execute(
            select(feedback.c.source, feedback.c.ratings)
            .where(feedback.c.agency_id == agency_id, feedback.c.period_id == period_id, feedback.c.nip == nip)
        )).all()
    counts: dict[str, dict[str, Counter]] = {}
    for row in rows:
        for value, level in row.ratings.items():
            counts.setdefault(value, {}).setdefault(row.source, Counter())[level] += 1
    return {
        "nip": nip,
        "period_id": period_id,
        "answers": len(rows),
        "values": {value: {src: dict(c) for src, c in by_source.items()} for value, by_source in counts.items()},
    }
