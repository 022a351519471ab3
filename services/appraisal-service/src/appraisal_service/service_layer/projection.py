"""Event handlers that keep appraisal-service's projections of targets, realisations and feedback."""

from datetime import UTC, datetime, timedelta

from kinerja_contracts import (
    CitizenSurveyAnswered,
    FeedbackReceived,
    PerformancePeriodClosed,
    RealizationRecorded,
    TargetRevised,
    TargetSet,
)
from kinerja_runtime import roster
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select, update

from appraisal_service.adapters.orm import appraisals_due, citizen_ratings, feedback_answers, realizations, targets


async def on_target_set(event: TargetSet | TargetRevised, _envelope, uow: UnitOfWork) -> None:
    """A first approval and a revision both set the version in force; the highest version wins."""
    where = (targets.c.agency_id == event.agency_id, targets.c.period_id == event.period_id, targets.c.nip == event.nip)
    current = await uow.session.scalar(select(targets.c.version).where(*where))
    rhk = [r.model_dump(mode="json") for r in event.rhk]
    if current is None:
        await uow.session.execute(insert(targets).values(
            agency_id=event.agency_id, period_id=event.period_id, nip=event.nip,
            skp_id=event.skp_id, version=event.version, rhk=rhk,
        ))
    elif event.version >= current:
        # A redelivered older version must never overwrite a newer one.
        await uow.session.execute(update(targets).where(*where).values(skp_id=event.skp_id, version=event.version, rhk=rhk))


async def on_realization_recorded(event: RealizationRecorded, _envelope, uow: UnitOfWork) -> None:
    known = await uow.session.scalar(
        select(realizations.c.realization_id).where(realizations.c.realization_id == event.realization_id)
    )
    if known is None:
        await uow.session.execute(insert(realizations).values(
            realization_id=event.realization_id, agency_id=event.agency_id, period_id=event.period_id,
            nip=event.nip, skp_id=event.skp_id, iki_id=event.iki_id, value=event.value, recorded_at=event.recorded_at,
            checkpoint_id=event.checkpoint_id,
        ))


async def on_feedback_received(event: FeedbackReceived, _envelope, uow: UnitOfWork) -> None:
    """A giver's resubmission in an open round arrives with the same feedback_id: it replaces."""
    ratings = {k.value: v.value for k, v in event.ratings.items()}
    known = await uow.session.scalar(
        select(feedback_answers.c.feedback_id).where(feedback_answers.c.feedback_id == event.feedback_id)
    )
    if known is None:
        await uow.session.execute(insert(feedback_answers).values(
            feedback_id=event.feedback_id, agency_id=event.agency_id, period_id=event.period_id, nip=event.nip,
            source=event.source.value, ratings=ratings, checkpoint_id=event.checkpoint_id,
        ))
    else:
        await uow.session.execute(
            update(feedback_answers).where(feedback_answers.c.feedback_id == event.feedback_id).values(ratings=ratings)
        )


async def on_citizen_survey_answered(event: CitizenSurveyAnswered, _envelope, uow: UnitOfWork) -> None:
    if event.officer_nip is None:
        return  # a unit rating without a named officer is no evidence about a person
    known = await uow.session.scalar(
        select(citizen_ratings.c.answer_id).where(citizen_ratings.c.answer_id == event.answer_id)
    )
    if known is None:
        scores = list(event.elements.values())
        await uow.session.execute(insert(citizen_ratings).values(
            answer_id=event.answer_id, agency_id=event.agency_id, period_id=event.period_id,
            officer_nip=event.officer_nip, mean_score=sum(scores) / len(scores), answered_at=event.answered_at,
        ))


def period_closed_handler(settle_seconds: float):
    """Closing a period puts every employee's annual appraisal in the queue, due after a settle
    time that lets feedback still in flight from feedback-service arrive. The queue produces
    *proposals*; the appraiser's confirmation makes the result final."""

    async def on_period_closed(event: PerformancePeriodClosed, envelope, uow: UnitOfWork) -> None:
        await roster.on_period_closed(event, envelope, uow)
        due_at = datetime.now(UTC) + timedelta(seconds=settle_seconds)
        for employee in event.employees:
            exists = await uow.session.scalar(select(appraisals_due.c.nip).where(
                appraisals_due.c.agency_id == event.agency_id, appraisals_due.c.period_id == event.period_id,
                appraisals_due.c.nip == employee.nip,
            ))
            if exists is None:
                await uow.session.execute(insert(appraisals_due).values(
                    agency_id=event.agency_id, period_id=event.period_id, nip=employee.nip,
                    skp_id=employee.skp_id, skp_version=employee.skp_version,
                    realization_count=employee.realization_count, due_at=due_at, status="pending",
                ))

    return on_period_closed
