"""Set-based handlers keeping appraisal-service's projections of targets, realisations,
feedback and citizens' ratings: each call writes a whole batch in one statement. (A handler
runs inside the unit of work the consumer opened for the batch, which commits it.)"""

from collections.abc import Sequence

from kinerja_contracts import CitizenSurveyAnswered, FeedbackReceived, RealizationRecorded, TargetRevised, TargetSet
from kinerja_runtime.messaging import Delivered

from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def on_targets(batch: Sequence[Delivered[TargetSet | TargetRevised]], uow: AppraisalUnitOfWork) -> None:
    """A first approval and a revision both set the version in force; the highest version wins,
    whether the versions meet in one batch or a redelivered older one arrives later."""
    events = [d.event for d in batch]
    # Stable sort: per employee the highest version comes last, so it is the one kept.
    events.sort(key=lambda e: e.version)
    await uow.projections.put_targets(
        [
            {
                "agency_id": e.agency_id,
                "period_id": e.period_id,
                "nip": e.nip,
                "skp_id": e.skp_id,
                "version": e.version,
                "rhk": [r.model_dump(mode="json") for r in e.rhk],
            }
            for e in events
        ]
    )


async def on_realizations(batch: Sequence[Delivered[RealizationRecorded]], uow: AppraisalUnitOfWork) -> None:
    await uow.projections.add_realizations(
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
        ]
    )


async def on_feedback(batch: Sequence[Delivered[FeedbackReceived]], uow: AppraisalUnitOfWork) -> None:
    """A giver's answer arrives again with the same feedback_id (a resubmission under the older
    publish-per-answer, or the round's close, or a redelivery or replay): the latest
    ``submitted_at`` wins, whether the two meet in one batch or an older one comes after, and
    it sets the round (unknown for answers projected before rounds were kept)."""
    events = [d.event for d in batch]
    # Stable sort: per form the latest submission comes last, so it is the one kept.
    events.sort(key=lambda e: e.submitted_at)
    await uow.projections.put_feedback(
        [
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
            for e in events
        ]
    )


async def on_citizen_surveys(batch: Sequence[Delivered[CitizenSurveyAnswered]], uow: AppraisalUnitOfWork) -> None:
    # A unit rating without a named officer is no evidence about a person.
    await uow.projections.add_citizen_ratings(
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
        ]
    )
