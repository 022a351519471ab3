"""The appraiser confirms (or overrides) a proposal: the result becomes final and
AppraisalCompleted is published."""

from datetime import UTC, date, datetime

from kinerja_contracts import AppraisalCompleted, AppraisalSummary
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.problems import Conflict, Forbidden, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import update

from appraisal_service.adapters import records
from appraisal_service.adapters.orm import appraisals
from appraisal_service.domain import OverrideWithoutReason, decide_final
from appraisal_service.service_layer import views
from appraisal_service.service_layer.refusals import no_appraisal


async def confirm(
    uow: UnitOfWork,
    agency_id: str,
    appraisal_id: str,
    appraiser_nip: str,
    today: date,
    rating_hasil_kerja: Ekspektasi | None = None,
    rating_perilaku: Ekspektasi | None = None,
    reason: str | None = None,
) -> dict:
    row = await records.get(uow.session, agency_id, appraisal_id)
    if row is None:
        raise no_appraisal()
    # The roster names who appraises whom; a role in the token alone is not enough.
    if await records.current_appraiser(uow.session, agency_id, row.nip) != appraiser_nip:
        raise Forbidden("only the employee's appraiser may confirm this appraisal")
    if row.status != "proposed":
        raise Conflict(f"this appraisal is already {row.status}")
    try:
        final = decide_final(
            row.proposed_rating_hasil_kerja, row.proposed_rating_perilaku, rating_hasil_kerja, rating_perilaku, reason
        )
    except OverrideWithoutReason as exc:
        raise Unprocessable(str(exc)) from exc
    now = datetime.now(UTC)
    claimed = await uow.session.execute(
        update(appraisals)
        .where(
            appraisals.c.appraisal_id == appraisal_id,
            appraisals.c.status == "proposed",
        )
        .values(
            status="final",
            rating_hasil_kerja=final.rating_hasil_kerja.value,
            rating_perilaku=final.rating_perilaku.value,
            predikat=final.predikat.value,
            appraiser_nip=appraiser_nip,
            confirm_reason=final.reason,
            completed_at=now,
            final_on=today,
        )
    )
    if claimed.rowcount != 1:
        raise Conflict("this appraisal was confirmed meanwhile")
    await uow.publish(
        AppraisalCompleted(
            agency_id=agency_id,
            period_id=row.period_id,
            nip=row.nip,
            appraisal_id=appraisal_id,
            rating_hasil_kerja=final.rating_hasil_kerja,
            rating_perilaku=final.rating_perilaku,
            predikat=final.predikat,
            policy_version=row.policy_version,
            completed_at=now,
            summary=AppraisalSummary.model_validate(row.summary),
            kind=row.kind,
            checkpoint_id=row.checkpoint_id,
            proposed_rating_hasil_kerja=row.proposed_rating_hasil_kerja,
            proposed_rating_perilaku=row.proposed_rating_perilaku,
            override_reason=final.reason if final.overridden else None,
            appraiser_nip=appraiser_nip,
            revision=row.revision,
        )
    )
    await access_log.record_change(uow, Kind.APPRAISAL, appraisal_id, row.nip)
    return views.appraisal(await records.get(uow.session, agency_id, appraisal_id))
