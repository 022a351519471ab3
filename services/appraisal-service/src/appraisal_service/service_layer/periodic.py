"""Periodic appraisal: a proposal for every employee with an approved SKP, from the
realisations and feedback of one checkpoint only, made in batches."""

from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork

from appraisal_service.adapters import projections, records
from appraisal_service.service_layer import views
from appraisal_service.service_layer.appraise import propose_many

BATCH = 1000  # employees per round of bulk reads: bounds the statements' parameter lists


async def propose_for_checkpoint(uow: UnitOfWork, agency_id: str, period_id: str, checkpoint_id: str) -> dict:
    checkpoint = await projections.checkpoint_of(uow.session, agency_id, period_id, checkpoint_id)
    if checkpoint is None:
        raise NotFound(f"period {period_id} has no checkpoint {checkpoint_id}")
    keys = [(agency_id, period_id, t.nip) for t in await projections.targets_in_period(uow.session, agency_id, period_id)]
    proposed, existing, skipped = [], [], []
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        made = await propose_many(uow, chunk, checkpoint)
        created = await records.by_ids(uow.session, made.created.values())
        for key in chunk:
            if key in made.created:
                proposed.append(views.appraisal(created[made.created[key]]))
            elif key in made.existing:
                existing.append(views.appraisal(made.existing[key]))
            else:
                # One employee's unusable SKP must not hold back the rest of the agency.
                skipped.append({"nip": key[2], "reason": made.refused.get(key) or made.not_found[key]})
    return {"period_id": period_id, "checkpoint_id": checkpoint_id, "proposed": proposed, "existing": existing,
            "skipped": skipped}
