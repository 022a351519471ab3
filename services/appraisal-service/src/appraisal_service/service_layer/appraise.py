"""Proposing an appraisal: ratings from the projections under the agency's policy, kept as a
*proposal* (no event) until the appraiser confirms it (see confirm.py)."""

import dataclasses
import uuid
from datetime import UTC, datetime

from kinerja_contracts import AppraisalSummary
from kinerja_contracts import IndikatorResult as IndikatorResultOut
from kinerja_contracts import PerilakuResult as PerilakuResultOut
from kinerja_runtime import roster
from kinerja_runtime.problems import Conflict, NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert

from appraisal_service.adapters import projections, records
from appraisal_service.adapters.orm import appraisals
from appraisal_service.adapters.policies import current_policy
from appraisal_service.adapters.projections import Checkpoint
from appraisal_service.domain import (
    AppraisalError,
    AppraisalPolicy,
    ProposedAppraisal,
    UnitResult,
    predikat_for,
    propose,
    unit_result,
    units_under,
)
from appraisal_service.service_layer import views


async def propose_appraisal(
    uow: UnitOfWork, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> tuple[dict, bool]:
    """Inside an open unit of work: the employee's proposal for the year (or the checkpoint),
    made once; returns (appraisal, created). A second call returns the first one."""
    await roster.employee(uow.session, agency_id, nip)
    scope = records.scope_of(checkpoint.checkpoint_id if checkpoint else None)
    done = await records.latest_in_scope(uow.session, agency_id, period_id, nip, scope)
    if done is not None:
        return views.appraisal(done), False
    target = await projections.target_of(uow.session, agency_id, period_id, nip)
    if target is None:
        raise NotFound(f"no approved SKP of {nip} in period {period_id} is known")
    policy, _ = await current_policy(uow.session, agency_id)
    realized = await projections.latest_realizations(uow.session, target.skp_id, checkpoint)
    answers, forms = await projections.feedback_of(uow.session, agency_id, period_id, nip, checkpoint)
    citizens = await projections.citizen_service_score(uow.session, agency_id, period_id, nip, checkpoint)
    try:
        proposed = propose(projections.indikator_inputs(target.rhk, realized), answers, policy,
                           citizen_service_score=citizens)
    except AppraisalError as exc:
        raise Conflict(str(exc)) from exc
    unit = await _unit_result_if_head(uow, agency_id, period_id, nip, policy, checkpoint)
    if unit is not None:
        # A head of unit's hasil kerja is the unit's result (PermenPANRB 6/2022).
        proposed = dataclasses.replace(
            proposed, rating_hasil_kerja=unit.level, predikat=predikat_for(unit.level, proposed.rating_perilaku)
        )
    row = {
        "appraisal_id": str(uuid.uuid4()), "agency_id": agency_id, "period_id": period_id, "nip": nip,
        "kind": "periodic" if checkpoint else "annual", "checkpoint_id": checkpoint.checkpoint_id if checkpoint else None,
        "scope": scope, "revision": 1, "status": "proposed",
        "proposed_rating_hasil_kerja": proposed.rating_hasil_kerja.value,
        "proposed_rating_perilaku": proposed.rating_perilaku.value,
        "proposed_predikat": proposed.predikat.value, "proposed_at": datetime.now(UTC),
        "policy_version": policy.version,
        "summary": _summary(proposed, forms, citizens).model_dump(mode="json"),
        "explanation": _explanation(proposed, policy, unit, target, len(realized), forms, citizens, checkpoint),
    }
    await uow.session.execute(insert(appraisals).values(**row))
    return views.appraisal(await records.get(uow.session, agency_id, row["appraisal_id"])), True


async def _unit_result_if_head(
    uow: UnitOfWork, agency_id: str, period_id: str, nip: str, policy: AppraisalPolicy, checkpoint: Checkpoint | None
) -> UnitResult | None:
    headed = await projections.units_headed_by(uow.session, agency_id, nip)
    if not headed:
        return None
    under = units_under(await projections.unit_tree(uow.session, agency_id), headed)
    capaian: dict[str, float] = {}
    for member in await projections.members_of(uow.session, agency_id, under):
        if member == nip:
            continue
        target = await projections.target_of(uow.session, agency_id, period_id, member)
        if target is None:
            continue  # no approved SKP: nothing to measure the member by
        realized = await projections.latest_realizations(uow.session, target.skp_id, checkpoint)
        try:
            capaian[member] = propose(projections.indikator_inputs(target.rhk, realized), [], policy).average_capaian_utama
        except AppraisalError:
            continue
    # With no member result the head is appraised on their own SKP, and the explanation says so.
    return unit_result(under, capaian, policy)


def _summary(proposed: ProposedAppraisal, forms: int, citizens: float | None) -> AppraisalSummary:
    return AppraisalSummary(
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


def _explanation(
    proposed: ProposedAppraisal, policy: AppraisalPolicy, unit: UnitResult | None, target, realizations: int,
    forms: int, citizens: float | None, checkpoint: Checkpoint | None,
) -> dict:
    """Every input and rule behind the proposal, kept with it so it reads the same later."""
    own_level = policy.hasil_level(proposed.average_capaian_utama)
    return {
        "policy": {"version": policy.version, "parameters": policy.parameters()},
        "inputs": {
            "skp_id": target.skp_id, "skp_version": target.version, "realizations_used": realizations,
            "feedback_forms": forms, "citizen_service_score": citizens,
            "checkpoint": None if checkpoint is None else {
                "checkpoint_id": checkpoint.checkpoint_id, "name": checkpoint.name,
                "starts_on": checkpoint.starts_on.isoformat(), "ends_on": checkpoint.ends_on.isoformat(),
            },
        },
        "hasil_kerja": {
            "basis": "unit" if unit else "own",
            "average_capaian_utama": proposed.average_capaian_utama,
            "level_from_average": own_level.value,
            "tambahan_lifted": proposed.tambahan_lifted,
            "unit": None if unit is None else {
                "unit_ids": list(unit.unit_ids), "capaian": unit.capaian, "level": unit.level.value,
                "members": [{"nip": m, "average_capaian_utama": c} for m, c in unit.members],
            },
        },
        "perilaku": {
            "score": proposed.perilaku_score,
            "values_below": len(proposed.weak_values),
            "values": [
                {"value": p.value.value, "level": p.level.value, "score": p.score, "answers": p.answers,
                 "evidence": [dataclasses.asdict(e) for e in p.evidence]}
                for p in proposed.perilaku
            ],
        },
    }
