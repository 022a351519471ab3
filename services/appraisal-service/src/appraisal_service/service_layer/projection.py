"""Set-based handlers keeping appraisal-service's projections of targets, realisations,
feedback and citizens' ratings: each call writes a whole batch in one statement."""

from collections.abc import Sequence

from kinerja_contracts import CitizenSurveyAnswered, FeedbackReceived, RealizationRecorded, TargetRevised, TargetSet
from kinerja_runtime import bulk
from kinerja_runtime.messaging import Delivered
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import or_

from appraisal_service.adapters.orm import citizen_ratings, feedback_answers, realizations, targets


async def on_targets(batch: Sequence[Delivered[TargetSet | TargetRevised]], uow: UnitOfWork) -> None:
    """A first approval and a revision both set the version in force; the highest version wins,
    whether the versions meet in one batch or a redelivered older one arrives later."""
    rows = [
        {
            "agency_id": e.agency_id,
            "period_id": e.period_id,
            "nip": e.nip,
            "skp_id": e.skp_id,
            "version": e.version,
            "rhk": [r.model_dump(mode="json") for r in e.rhk],
        }
        for e in (d.event for d in batch)
    ]
    # Stable sort: per employee the highest version comes last, so it is the one kept.
    rows.sort(key=lambda row: row["version"])
    await bulk.upsert(
        uow.session,
        targets,
        rows,
        ["agency_id", "period_id", "nip"],
        where=lambda table, excluded: excluded.version >= table.c.version,
    )


async def on_realizations(batch: Sequence[Delivered[RealizationRecorded]], uow: UnitOfWork) -> None:
    await bulk.insert_new(
        uow.session,
        realizations,
        [
            {
                "realization_id": e.realization_id,
                "agency_id": e.agency_id,
                "period_id": e.period_id,
                "nip": e.nip,
                "skp_id": e.skp_id,
                "iki_id": e.iki_id,
                "value": e.value,
                "recorded_at": e.recorded_at,
                "checkpoint_id": e.checkpoint_id,
            }
            for e in (d.event for d in batch)
        ],
        ["realization_id"],
    )


async def on_feedback(batch: Sequence[Delivered[FeedbackReceived]], uow: UnitOfWork) -> None:
    """A giver's answer arrives again with the same feedback_id (a resubmission under the older
    publish-per-answer, or the round's close, or a redelivery or replay): the latest
    ``submitted_at`` wins, whether the two meet in one batch or an older one comes after, and
    it sets the round (unknown for answers projected before rounds were kept)."""
    rows = [
        {
            "feedback_id": e.feedback_id,
            "agency_id": e.agency_id,
            "period_id": e.period_id,
            "nip": e.nip,
            "source": e.source.value,
            "ratings": {k.value: v.value for k, v in e.ratings.items()},
            "checkpoint_id": e.checkpoint_id,
            "submitted_at": e.submitted_at,
            "round_id": e.round_id,
        }
        for e in (d.event for d in batch)
    ]
    # Stable sort: per form the latest submission comes last, so it is the one kept.
    rows.sort(key=lambda row: row["submitted_at"])
    await bulk.upsert(
        uow.session,
        feedback_answers,
        rows,
        ["feedback_id"],
        update=["ratings", "submitted_at", "round_id"],
        where=lambda table, excluded: or_(
            table.c.submitted_at.is_(None), excluded.submitted_at >= table.c.submitted_at
        ),
    )


async def on_citizen_surveys(batch: Sequence[Delivered[CitizenSurveyAnswered]], uow: UnitOfWork) -> None:
    # A unit rating without a named officer is no evidence about a person.
    await bulk.insert_new(
        uow.session,
        citizen_ratings,
        [
            {
                "answer_id": e.answer_id,
                "agency_id": e.agency_id,
                "period_id": e.period_id,
                "officer_nip": e.officer_nip,
                "mean_score": sum(e.elements.values()) / len(e.elements),
                "answered_at": e.answered_at,
            }
            for e in (d.event for d in batch)
            if e.officer_nip is not None
        ],
        ["answer_id"],
    )
