"""Proposing appraisals: ratings from the projections under the agency's policy, kept as a
*proposal* (no event) until the appraiser confirms it (see confirm.py).

Made for many employees at once: the inputs of a whole batch are read with one statement
per kind (targets, realisations, answers, citizens' ratings, roster, policies, organisation),
the ratings come from the pure domain code, and the proposals are written in one insert.
One employee's proposal over HTTP is a batch of one.
"""

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, RhkKind
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.problems import Conflict, NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters import projections, records
from appraisal_service.adapters.orm import appraisals
from appraisal_service.adapters.policies import policies_in_force
from appraisal_service.adapters.projections import Checkpoint, Evidence, Key, Realized, Target
from appraisal_service.domain import (
    AppraisalError,
    AppraisalPolicy,
    ProposedAppraisal,
    PublishedPerilaku,
    UnitResult,
    average_capaian_utama,
    predikat_for,
    propose,
    publishable,
    unit_result,
    units_under,
)
from appraisal_service.service_layer import views


@dataclass
class Inputs:
    """The SKPs in force and their realisations for a set of employees."""

    targets: dict[Key, Target]
    realized: dict[str, Realized]

    def realized_of(self, target: Target) -> Realized:
        return self.realized.get(target.skp_id) or Realized()


async def read_inputs(session: AsyncSession, keys: Iterable[Key], checkpoint: Checkpoint | None = None) -> Inputs:
    found = await projections.targets_of(session, keys)
    return Inputs(found, await projections.realizations_of(session, (t.skp_id for t in found.values()), checkpoint))


@dataclass
class Proposals:
    """What a batch came to, per employee."""

    created: dict[Key, str] = field(default_factory=dict)  # -> appraisal_id
    existing: dict[Key, object] = field(default_factory=dict)  # -> the current row of that scope
    not_found: dict[Key, str] = field(default_factory=dict)  # -> why (unknown employee, no SKP)
    refused: dict[Key, str] = field(default_factory=dict)  # -> why the SKP cannot be assessed


async def propose_many(
    uow: UnitOfWork,
    keys: Iterable[Key],
    checkpoint: Checkpoint | None = None,
    inputs: Inputs | None = None,
) -> Proposals:
    """Inside an open unit of work: each employee's proposal for the year (or the checkpoint),
    made once; an employee who already has one keeps it. ``inputs`` may be given when the
    caller has read them already."""
    session = uow.session
    keys = list(dict.fromkeys(keys))
    out = Proposals()
    scope = records.scope_of(checkpoint.checkpoint_id if checkpoint else None)
    employees = await projections.employees_of(session, {(a, n) for a, _, n in keys})
    for agency_id, period_id, nip in keys:
        if (agency_id, nip) not in employees:
            out.not_found[agency_id, period_id, nip] = "the employee is not known in the agency's roster"
    keys = [k for k in keys if k not in out.not_found]
    # An employee proposed for already is found by the insert (the unique scope and revision),
    # not by reading every appraisal of the batch first: most employees have none.
    if inputs is None:
        inputs = await read_inputs(session, keys, checkpoint)
    for key in keys:
        if key not in inputs.targets:
            out.not_found[key] = "no approved SKP of the employee in this period is known"
    keys = [k for k in keys if k in inputs.targets]
    if not keys:
        return out
    policies = await policies_in_force(session, {a for a, _, _ in keys})
    evidence = await projections.evidence_of(session, keys, checkpoint)
    units = await _unit_results(session, keys, policies, checkpoint)
    now = datetime.now(UTC)
    rows = []
    for key in keys:
        target = inputs.targets[key]
        policy, realized, said = policies[key[0]], inputs.realized_of(target).latest, evidence.get(key) or Evidence()
        try:
            proposed = propose(
                projections.indikator_inputs(target.rhk, realized),
                said.answers,
                policy,
                citizen_service_score=said.citizen_score,
            )
        except AppraisalError as exc:
            out.refused[key] = str(exc)
            continue
        unit = units.get(key)
        if unit is not None:
            # A head of unit's hasil kerja is the unit's result (PermenPANRB 6/2022).
            proposed = dataclasses.replace(
                proposed, rating_hasil_kerja=unit.level, predikat=predikat_for(unit.level, proposed.rating_perilaku)
            )
        # Only the publishable evidence is kept: every view and event is made from it, so none
        # can show an anonymous answer (the anonymity rule, domain/anonymity.py).
        perilaku = publishable(proposed, said.answers)
        rows.append(
            {
                "appraisal_id": str(uuid.uuid4()),
                "agency_id": key[0],
                "period_id": key[1],
                "nip": key[2],
                "kind": "periodic" if checkpoint else "annual",
                "checkpoint_id": checkpoint.checkpoint_id if checkpoint else None,
                "scope": scope,
                "revision": 1,
                "status": "proposed",
                "proposed_rating_hasil_kerja": proposed.rating_hasil_kerja.value,
                "proposed_rating_perilaku": proposed.rating_perilaku.value,
                "proposed_predikat": proposed.predikat.value,
                "proposed_at": now,
                "policy_version": policy.version,
                "summary": _summary(proposed, perilaku, said.forms, said.citizen_score),
                "explanation": _explanation(
                    proposed, perilaku, policy, unit, target, len(realized), said.forms, said.citizen_score, checkpoint
                ),
            }
        )
    out.created = await _insert(session, rows)
    # Proposed on a person's request (HR over HTTP); the due processor's own proposals record nothing.
    await access_log.record_changes(uow, [(Kind.APPRAISAL, made, key[2]) for key, made in out.created.items()])
    already = [
        (r["agency_id"], r["period_id"], r["nip"])
        for r in rows
        if (r["agency_id"], r["period_id"], r["nip"]) not in out.created
    ]
    if already:  # proposed before (or by a concurrent transaction): that proposal stands
        out.existing = await records.latest_in_scope_of(session, already, scope)
    return out


async def _insert(session: AsyncSession, rows: list[dict]) -> dict[Key, str]:
    """Insert the proposals (batched multi-row inserts); a scope someone else proposed for
    meanwhile is left alone. Returns the ones inserted."""
    if not rows:
        return {}
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(appraisals)
        .on_conflict_do_nothing(
            index_elements=["agency_id", "period_id", "nip", "scope", "revision"],
        )
        .returning(appraisals.c.agency_id, appraisals.c.period_id, appraisals.c.nip, appraisals.c.appraisal_id)
    )
    inserted = (await session.execute(statement, rows)).all()
    return {(r.agency_id, r.period_id, r.nip): r.appraisal_id for r in inserted}


async def _unit_results(
    session: AsyncSession,
    keys: list[Key],
    policies: dict[str, AppraisalPolicy],
    checkpoint: Checkpoint | None,
) -> dict[Key, UnitResult | None]:
    """The unit result of every head of unit among ``keys``: the members' targets and
    realisations are read once for all of them, and each member's capaian is computed once."""
    trees = await projections.units_of(session, {a for a, _, _ in keys})
    under: dict[Key, set[str]] = {}
    for key in keys:
        tree = trees.get(key[0], [])
        headed = sorted(u.unit_id for u in tree if u.head_nip == key[2])
        if headed:
            under[key] = units_under({u.unit_id: u.parent_unit_id for u in tree}, headed)
    if not under:
        return {}
    members, targets, realized = await projections.member_inputs(
        session, {(a, p) for a, p, _ in under}, {(k[0], u) for k, units in under.items() for u in units}, checkpoint
    )
    by_unit: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (agency_id, period_id, nip), unit_id in members.items():
        by_unit[agency_id, period_id, unit_id].append(nip)
    capaian: dict[Key, float | None] = {}

    def capaian_of(member: Key) -> float | None:
        if member not in capaian:
            target = targets.get(member)
            capaian[member] = None  # no approved SKP or one that cannot be assessed: nothing to measure by
            if target is not None:
                latest = (realized.get(target.skp_id) or Realized()).latest
                try:
                    capaian[member] = average_capaian_utama(
                        projections.indikator_inputs(target.rhk, latest), policies[member[0]]
                    )
                except AppraisalError:
                    pass
        return capaian[member]

    results: dict[Key, UnitResult | None] = {}
    for (agency_id, period_id, head), unit_ids in under.items():
        scores = {}
        for unit_id in unit_ids:
            for nip in by_unit.get((agency_id, period_id, unit_id), []):
                if nip != head and (score := capaian_of((agency_id, period_id, nip))) is not None:
                    scores[nip] = score
        # With no member result the head is appraised on their own SKP, and the explanation says so.
        results[agency_id, period_id, head] = unit_result(unit_ids, scores, policies[agency_id])
    return results


async def propose_appraisal(
    uow: UnitOfWork, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> tuple[dict, bool]:
    """One employee's proposal (a batch of one); returns (appraisal, created). A second call
    returns the first one."""
    key = (agency_id, period_id, nip)
    made = await propose_many(uow, [key], checkpoint)
    if key in made.not_found:
        raise NotFound(made.not_found[key])
    if key in made.refused:
        raise Conflict(made.refused[key])
    if key in made.existing:
        return views.appraisal(made.existing[key]), False
    return views.appraisal(await records.get(uow.session, agency_id, made.created[key])), True


# Each vocabulary member's text, looked up rather than read through the enum's (slow) ``.value``.
_TEXT = {member: member.value for kind in (RhkKind, Aspect, BerakhlakValue, Ekspektasi) for member in kind}


def _summary(proposed: ProposedAppraisal, perilaku: PublishedPerilaku, forms: int, citizens: float | None) -> dict:
    """The evidence as the contract's ``AppraisalSummary`` reads it (JSON-ready); built as a
    plain dict because proposals are made by the thousand (a test checks it validates)."""
    return {
        "indikator": [
            {
                "iki_id": r.iki_id,
                "rhk_id": r.rhk_id,
                "rhk_kind": _TEXT[r.rhk_kind],
                "aspect": _TEXT[r.aspect],
                "description": r.description,
                "target": r.target,
                "realization": r.realization,
                "capaian": r.capaian,
                "met": r.met,
            }
            for r in proposed.indikator
        ],
        **perilaku.summary(),
        "average_capaian_utama": proposed.average_capaian_utama,
        "feedback_answers": forms,
        "citizen_service_score": citizens,
    }


# An agency head's unit is the whole agency (up to ~20,000 people): the explanation names the
# first members and counts them all, so a stored proposal stays small.
MEMBERS_EXPLAINED = 100


def _explanation(
    proposed: ProposedAppraisal,
    perilaku: PublishedPerilaku,
    policy: AppraisalPolicy,
    unit: UnitResult | None,
    target,
    realizations: int,
    forms: int,
    citizens: float | None,
    checkpoint: Checkpoint | None,
) -> dict:
    """Every input and rule behind the proposal, kept with it so it reads the same later."""
    own_level = policy.hasil_level(proposed.average_capaian_utama)
    return {
        "policy": {"version": policy.version, "parameters": policy.parameters()},
        "inputs": {
            "skp_id": target.skp_id,
            "skp_version": target.version,
            "realizations_used": realizations,
            "feedback_forms": forms,
            "citizen_service_score": citizens,
            "checkpoint": None
            if checkpoint is None
            else {
                "checkpoint_id": checkpoint.checkpoint_id,
                "name": checkpoint.name,
                "starts_on": checkpoint.starts_on.isoformat(),
                "ends_on": checkpoint.ends_on.isoformat(),
            },
        },
        "hasil_kerja": {
            "basis": "unit" if unit else "own",
            "average_capaian_utama": proposed.average_capaian_utama,
            "level_from_average": own_level.value,
            "tambahan_lifted": proposed.tambahan_lifted,
            "unit": None
            if unit is None
            else {
                "unit_ids": list(unit.unit_ids),
                "capaian": unit.capaian,
                "level": unit.level.value,
                "member_count": len(unit.members),
                "members": [{"nip": m, "average_capaian_utama": c} for m, c in unit.members[:MEMBERS_EXPLAINED]],
            },
        },
        "perilaku": perilaku.explanation(),
    }
