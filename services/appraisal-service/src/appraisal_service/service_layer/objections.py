"""Keberatan: the employee objects to a final result; the appraiser's superior decides.
A changed result is a new revision (AppraisalRevised); the objected one stays readable."""

import uuid
from datetime import UTC, date, datetime

from kinerja_contracts import AppraisalRevised, AppraisalSummary
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log, roster
from kinerja_runtime.access_log import Kind
from kinerja_runtime.problems import Conflict, Forbidden, NotFound, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, update

from appraisal_service.adapters import records
from appraisal_service.adapters.orm import appraisals, objections
from appraisal_service.domain import (
    ObjectionClosed,
    Outcome,
    UnchangedResult,
    check_objection_window,
    objection_closes_on,
    revised_ratings,
)
from appraisal_service.service_layer import views
from appraisal_service.service_layer.refusals import no_appraisal, no_objection


async def file_objection(
    uow: UnitOfWork, agency_id: str, appraisal_id: str, nip: str, reasons: str, today: date
) -> dict:
    row = await records.get(uow.session, agency_id, appraisal_id)
    if row is None or row.nip != nip:
        # Only the appraised employee objects; to anyone else the appraisal is not theirs to see here.
        raise no_appraisal()
    if row.status != "final":
        raise Conflict(f"only a final result can be objected to; this appraisal is {row.status}")
    if row.revision > 1:
        raise Conflict("this result is the superior's decision on an objection, which is final")
    try:
        check_objection_window(row.final_on, today)
    except ObjectionClosed as exc:
        raise Conflict(str(exc), closed_on=exc.closed_on.isoformat()) from exc
    try:
        appraiser = await roster.employee(uow.session, agency_id, row.appraiser_nip)
    except NotFound as exc:
        raise Conflict("the appraiser is no longer on the roster to route the objection") from exc
    if appraiser.appraiser_nip is None:
        raise Conflict("the appraiser has no superior in the roster to decide an objection")
    objection_id = str(uuid.uuid4())
    # One objection per result (a unique appraisal_id): of two filed at once, the second
    # finds the first's row and files nothing.
    filed = await records.insert_objection(
        uow.session,
        {
            "objection_id": objection_id,
            "agency_id": agency_id,
            "period_id": row.period_id,
            "nip": nip,
            "appraisal_id": appraisal_id,
            "reasons": reasons,
            "filed_on": today,
            "filed_at": datetime.now(UTC),
            "superior_nip": appraiser.appraiser_nip,
            "status": "open",
        },
    )
    if not filed:
        raise Conflict("an objection to this result was already filed")
    await access_log.record_change(uow, Kind.OBJECTION, objection_id, nip)
    body = views.objection(await records.objection(uow.session, agency_id, objection_id))
    return {**body, "closes_on": objection_closes_on(row.final_on).isoformat()}


async def decide_objection(
    uow: UnitOfWork,
    agency_id: str,
    objection_id: str,
    superior_nip: str,
    today: date,
    outcome: Outcome,
    reason: str,
    rating_hasil_kerja: Ekspektasi | None = None,
    rating_perilaku: Ekspektasi | None = None,
) -> dict:
    found = await records.objection(uow.session, agency_id, objection_id)
    if found is None:
        raise no_objection()
    if found.superior_nip != superior_nip:
        raise Forbidden("only the appraiser's superior decides this objection")
    if found.status != "open":
        raise Conflict(f"this objection was already decided ({found.status})")
    original = await records.get(uow.session, agency_id, found.appraisal_id)
    outcome = Outcome(outcome)
    result = None
    if outcome is Outcome.CHANGED:
        try:
            result = revised_ratings(
                original.rating_hasil_kerja, original.rating_perilaku, rating_hasil_kerja, rating_perilaku, reason
            )
        except UnchangedResult as exc:
            raise Unprocessable(str(exc)) from exc
    elif rating_hasil_kerja or rating_perilaku:
        raise Unprocessable("an upheld result keeps its ratings; send outcome 'changed' to change them")
    now = datetime.now(UTC)
    revised_id = str(uuid.uuid4()) if result else None
    # The decision claims the objection while it is still open: of two decisions at once, the
    # second waits for the first's row lock, then finds it decided and changes nothing.
    claimed = await uow.session.execute(
        update(objections)
        .where(
            objections.c.agency_id == agency_id,
            objections.c.objection_id == objection_id,
            objections.c.status == "open",
        )
        .values(
            status=outcome.value,
            decided_by=superior_nip,
            decision_reason=reason,
            decided_at=now,
            revised_appraisal_id=revised_id,
        )
    )
    if claimed.rowcount != 1:
        raise Conflict("this objection was decided meanwhile")
    if result:
        await _revise(uow, original, revised_id, found, result, superior_nip, reason, now, today)
    await access_log.record_change(uow, Kind.OBJECTION, objection_id, found.nip)
    return views.objection(await records.objection(uow.session, agency_id, objection_id))


async def _revise(uow, original, revised_id, found, result, superior_nip, reason, now, today) -> None:
    revision = original.revision + 1
    copied = {k: v for k, v in original._mapping.items() if k not in {"appraisal_id", "revision", "status"}}
    superseded = await uow.session.execute(
        update(appraisals)
        .where(
            appraisals.c.appraisal_id == original.appraisal_id,
            appraisals.c.status == "final",
        )
        .values(status="superseded")
    )
    if superseded.rowcount != 1:  # only a final result is revised, and only once
        raise Conflict("the objected result is no longer the current one")
    await uow.session.execute(
        insert(appraisals).values(
            **{
                **copied,
                "rating_hasil_kerja": result.rating_hasil_kerja.value,
                "rating_perilaku": result.rating_perilaku.value,
                "predikat": result.predikat.value,
                "confirm_reason": reason,
                "completed_at": now,
                "final_on": today,
                "supersedes_appraisal_id": original.appraisal_id,
                "objection_id": found.objection_id,
            },
            appraisal_id=revised_id,
            revision=revision,
            status="final",
        )
    )
    await uow.publish(
        AppraisalRevised(
            agency_id=original.agency_id,
            period_id=original.period_id,
            nip=original.nip,
            appraisal_id=revised_id,
            supersedes_appraisal_id=original.appraisal_id,
            revision=revision,
            objection_id=found.objection_id,
            decided_by=superior_nip,
            reason=reason,
            rating_hasil_kerja=result.rating_hasil_kerja,
            rating_perilaku=result.rating_perilaku,
            predikat=result.predikat,
            policy_version=original.policy_version,
            kind=original.kind,
            checkpoint_id=original.checkpoint_id,
            summary=AppraisalSummary.model_validate(original.summary),
            revised_at=now,
        )
    )
