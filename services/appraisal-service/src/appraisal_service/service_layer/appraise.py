"""Producing an appraisal: propose ratings from the projections, fix the predikat, publish."""

import uuid
from datetime import UTC, datetime

from kinerja_contracts import AppraisalCompleted, AppraisalSummary
from kinerja_contracts import IndikatorResult as IndikatorResultOut
from kinerja_contracts import PerilakuResult as PerilakuResultOut
from kinerja_runtime import roster
from kinerja_runtime.problems import Conflict, NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select

from appraisal_service.adapters import projections
from appraisal_service.adapters.orm import appraisals
from appraisal_service.domain import DEFAULT_POLICY, AppraisalPolicy, NoTargets, ProposedAppraisal, propose


async def existing_appraisal(uow: UnitOfWork, agency_id: str, period_id: str, nip: str):
    return (await uow.session.execute(select(appraisals).where(
        appraisals.c.agency_id == agency_id, appraisals.c.period_id == period_id, appraisals.c.nip == nip,
    ))).first()


async def appraise(uow: UnitOfWork, agency_id: str, period_id: str, nip: str, policy: AppraisalPolicy = DEFAULT_POLICY) -> dict:
    """Inside an open unit of work: appraise one employee once; a second call returns the first result."""
    await roster.employee(uow.session, agency_id, nip)
    done = await existing_appraisal(uow, agency_id, period_id, nip)
    if done is not None:
        return dict(done._mapping)
    target = await projections.target_of(uow.session, agency_id, period_id, nip)
    if target is None:
        raise NotFound(f"no approved SKP of {nip} in period {period_id} is known")
    realized = await projections.latest_realizations(uow.session, target.skp_id)
    answers, forms = await projections.feedback_of(uow.session, agency_id, period_id, nip)
    citizens = await projections.citizen_service_score(uow.session, agency_id, period_id, nip)
    try:
        proposed = propose(projections.indikator_inputs(target.rhk, realized), answers, policy,
                           citizen_service_score=citizens)
    except NoTargets as exc:
        raise Conflict(str(exc)) from exc
    event = _completed_event(agency_id, period_id, nip, proposed, forms, citizens)
    await uow.session.execute(insert(appraisals).values(
        appraisal_id=event.appraisal_id, agency_id=agency_id, period_id=period_id, nip=nip,
        rating_hasil_kerja=event.rating_hasil_kerja.value, rating_perilaku=event.rating_perilaku.value,
        predikat=event.predikat.value, policy_version=event.policy_version,
        summary=event.summary.model_dump(mode="json"), completed_at=event.completed_at,
    ))
    await uow.publish(event)
    return {**event.model_dump(mode="json", exclude={"summary"}), "summary": event.summary.model_dump(mode="json")}


def _completed_event(
    agency_id: str, period_id: str, nip: str, proposed: ProposedAppraisal, forms: int, citizens: float | None
) -> AppraisalCompleted:
    summary = AppraisalSummary(
        indikator=[
            IndikatorResultOut(
                iki_id=r.iki_id, rhk_id=r.rhk_id, rhk_kind=r.rhk_kind, aspect=r.aspect, description=r.description,
                target=r.target, realization=r.realization, capaian=r.capaian, met=r.met,
            )
            for r in proposed.indikator
        ],
        perilaku=[PerilakuResultOut(value=p.value, level=p.level, answers=p.answers) for p in proposed.perilaku],
        average_capaian_utama=proposed.average_capaian_utama,
        feedback_answers=forms,
        citizen_service_score=citizens,
    )
    return AppraisalCompleted(
        agency_id=agency_id, period_id=period_id, nip=nip, appraisal_id=str(uuid.uuid4()),
        rating_hasil_kerja=proposed.rating_hasil_kerja, rating_perilaku=proposed.rating_perilaku,
        predikat=proposed.predikat, policy_version=proposed.policy_version,
        completed_at=datetime.now(UTC), summary=summary,
    )
