"""Use cases during the year: realisation per IKI per checkpoint, and the appraiser's continuous feedback per RHK."""

import uuid

from kinerja_contracts import RealizationRecorded
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind

from target_service.service_layer.skp import appraiser_of, skp_for_change_or_404
from target_service.service_layer.unit_of_work import TargetUnitOfWork


async def record_realization(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    skp_id: str,
    actor_nip: str,
    is_hr: bool,
    iki_id: str,
    value: float,
    evidence: str | None,
    checkpoint_id: str | None,
) -> dict:
    async with uow:
        s, owner, period = await skp_for_change_or_404(
            uow, agency_id, skp_id, actor_nip=actor_nip, is_hr=is_hr, lock="share"
        )
        s.check_realization(actor_nip, appraiser_of(owner), is_hr, iki_id, value)
        period.ensure_open("recording a realisation")
        period.checkpoint(checkpoint_id)
        realization_id, recorded_at = str(uuid.uuid4()), uow.clock.now()
        realization = {
            "realization_id": realization_id,
            "iki_id": iki_id,
            "checkpoint_id": checkpoint_id,
            "value": float(value),
            "evidence": evidence,
            "recorded_by": actor_nip,
            "recorded_at": recorded_at,
        }
        await uow.realisations.add(agency_id, skp_id, realization)
        await uow.publish(
            RealizationRecorded(
                agency_id=agency_id,
                period_id=s.period_id,
                nip=s.nip,
                skp_id=skp_id,
                iki_id=iki_id,
                realization_id=realization_id,
                value=float(value),
                evidence=evidence,
                recorded_at=recorded_at,
                checkpoint_id=checkpoint_id,
            )
        )
        await access_log.record_change(uow, Kind.SKP, skp_id, s.nip)
        await uow.commit()
    return {**realization, "skp_id": skp_id, "recorded_at": recorded_at.isoformat()}


async def give_feedback(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    skp_id: str,
    rhk_id: str,
    actor_nip: str,
    is_hr: bool,
    note: str,
    checkpoint_id: str | None,
) -> dict:
    """Umpan balik berkelanjutan: the appraiser's note on one RHK in force, optionally for a checkpoint."""
    async with uow:
        s, owner, period = await skp_for_change_or_404(uow, agency_id, skp_id, actor_nip=actor_nip, is_hr=is_hr)
        s.check_feedback(actor_nip, appraiser_of(owner), rhk_id, note)
        period.ensure_open("giving feedback")
        if checkpoint_id is not None:
            period.checkpoint(checkpoint_id)
        given_at = uow.clock.now()
        feedback = {
            "feedback_id": str(uuid.uuid4()),
            "rhk_id": rhk_id,
            "checkpoint_id": checkpoint_id,
            "note": note.strip(),
            "given_by": actor_nip,
            "given_at": given_at,
        }
        await uow.feedback.add(agency_id, skp_id, feedback)
        await access_log.record_change(uow, Kind.SKP, skp_id, s.nip)
        await uow.commit()
    return {**feedback, "skp_id": skp_id, "given_at": given_at.isoformat()}
