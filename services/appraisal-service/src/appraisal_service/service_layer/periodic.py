"""Periodic appraisal: a proposal for every employee with an approved SKP, from the
realisations and feedback of one checkpoint only."""

from kinerja_runtime.problems import NotFound, Problem
from kinerja_runtime.uow import UnitOfWork

from appraisal_service.adapters import projections
from appraisal_service.service_layer.appraise import propose_appraisal


async def propose_for_checkpoint(uow: UnitOfWork, agency_id: str, period_id: str, checkpoint_id: str) -> dict:
    checkpoint = await projections.checkpoint_of(uow.session, agency_id, period_id, checkpoint_id)
    if checkpoint is None:
        raise NotFound(f"period {period_id} has no checkpoint {checkpoint_id}")
    proposed, existing, skipped = [], [], []
    for target in await projections.targets_in_period(uow.session, agency_id, period_id):
        try:
            appraisal, created = await propose_appraisal(uow, agency_id, period_id, target.nip, checkpoint)
        except Problem as exc:
            # One employee's unusable SKP must not hold back the rest of the agency.
            skipped.append({"nip": target.nip, "reason": exc.detail})
            continue
        (proposed if created else existing).append(appraisal)
    return {"period_id": period_id, "checkpoint_id": checkpoint_id, "proposed": proposed, "existing": existing,
            "skipped": skipped}
