"""Periodic appraisal: a proposal for every employee with an approved SKP, from the
realisations and feedback of one checkpoint only, made in batches.

The report counts what the command did and lists one page of the employees it skipped, with
why: an agency may hold tens of thousands of employees, so no answer lists them all. The
proposals themselves are read page by page from ``GET /periods/{period_id}/appraisals``; a
skipped employee stays skipped when the command is repeated, so its next page is the same
command with the next offset (proposals already made stand).
"""

from kinerja_runtime.refusals import NotFound

from appraisal_service.domain import NO_PERIOD, checkpoint_in
from appraisal_service.service_layer.appraise import propose_many
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

BATCH = 1000  # employees per round of bulk reads: bounds the statements' parameter lists


async def propose_for_checkpoint(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    checkpoint_id: str,
    limit: int = 100,
    offset: int = 0,
) -> dict:
    async with uow:
        period = await uow.roster.period(agency_id, period_id)
        if period is None:
            raise NotFound(NO_PERIOD)
        checkpoint = checkpoint_in(period.checkpoints, checkpoint_id)
        if checkpoint is None:
            raise NotFound("no such checkpoint in this period")
        keys = [(agency_id, period_id, nip) for nip in await uow.projections.nips_with_targets(agency_id, period_id)]
        proposed = existing = 0
        skipped: list[dict] = []  # in NIP order, as the keys are
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            made = await propose_many(uow, chunk, checkpoint)
            proposed, existing = proposed + len(made.created), existing + len(made.existing)
            # One employee's unusable SKP must not hold back the rest of the agency.
            skipped.extend(
                {"nip": key[2], "reason": made.refused.get(key) or made.not_found[key]}
                for key in chunk
                if key not in made.created and key not in made.existing
            )
        await uow.commit()
    page = skipped[offset : offset + limit]
    return {
        "period_id": period_id,
        "checkpoint_id": checkpoint_id,
        "proposed_count": proposed,
        "existing_count": existing,
        "skipped_count": len(skipped),
        "skipped": page,
        "next_offset": offset + limit if offset + limit < len(skipped) else None,
    }
