"""RecognitionGiven, kept as evidence for the talent pool (feedback-service records them)."""

from collections.abc import Sequence

from kinerja_contracts import RecognitionGiven
from kinerja_runtime.messaging import Delivered

from training_service.service_layer.unit_of_work import TrainingUnitOfWork


async def on_recognitions_given(batch: Sequence[Delivered[RecognitionGiven]], uow: TrainingUnitOfWork) -> None:
    """The batch's recognitions in one statement; one already kept (a replay) stays as it is."""
    await uow.recognitions.save(
        {
            "recognition_id": e.recognition_id,
            "agency_id": e.agency_id,
            "nip": e.nip,
            "period_id": e.period_id,
            "checkpoint_id": e.checkpoint_id,
            "kind": e.kind.value,
            "reason": e.reason,
            "given_by_nip": e.given_by_nip,
            "given_at": e.given_at,
        }
        for e in (d.event for d in batch)
    )
