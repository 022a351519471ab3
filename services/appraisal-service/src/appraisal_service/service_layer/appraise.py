"""Proposing appraisals: ratings from the projections under the agency's policy, kept as a
*proposal* (no event) until the appraiser confirms it (see confirm.py).

Made for many employees at once: the inputs of a whole batch are read with one statement
per kind (targets, realisations, answers, citizens' ratings, roster, policies, organisation),
the ratings come from the pure domain code, and the proposals are written in one insert.
One employee's proposal over HTTP is a batch of one.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound, WrongState

from appraisal_service.domain import (
    NO_PERIOD,
    Appraisal,
    AppraisalError,
    AppraisalPolicy,
    Checkpoint,
    Evidence,
    Key,
    Realized,
    Target,
    UnitResult,
    average_capaian_utama,
    indikator_inputs,
    propose,
    publishable,
    scope_of,
    unit_result,
    units_under,
)
from appraisal_service.service_layer import views
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


@dataclass
class Inputs:
    """The SKPs in force and their realisations for a set of employees."""

    targets: dict[Key, Target]
    realized: dict[str, Realized]
    read_for: frozenset[Key] = frozenset()
    """The employees these were read for (one without a target has no approved SKP)."""

    def realized_of(self, target: Target) -> Realized:
        return self.realized.get(target.skp_id) or Realized()


async def read_inputs(uow: AppraisalUnitOfWork, keys: Iterable[Key], checkpoint: Checkpoint | None = None) -> Inputs:
    keys = frozenset(keys)
    found = await uow.projections.targets_of(keys)
    realized = await uow.projections.realizations_of((t.skp_id for t in found.values()), checkpoint)
    return Inputs(found, realized, keys)


@dataclass
class Proposals:
    """What a batch came to, per employee."""

    created: dict[Key, str] = field(default_factory=dict)  # -> appraisal_id
    existing: dict[Key, Appraisal] = field(default_factory=dict)  # -> the current one of that scope
    not_found: dict[Key, str] = field(default_factory=dict)  # -> why (unknown employee, no SKP)
    refused: dict[Key, str] = field(default_factory=dict)  # -> why the SKP cannot be assessed


def _by_agency(keys: Iterable[Key]) -> dict[str, list[Key]]:
    found: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        found[key[0]].append(key)
    return found


async def propose_many(
    uow: AppraisalUnitOfWork,
    keys: Iterable[Key],
    checkpoint: Checkpoint | None = None,
    inputs: Inputs | None = None,
) -> Proposals:
    """The helper of the use cases that propose (one employee, a checkpoint, the due queue),
    inside their open unit of work: each employee's proposal for the year (or the checkpoint),
    made once; an employee who already has one keeps it. ``inputs`` may be given when the
    caller has read them already."""
    keys = list(dict.fromkeys(keys))
    out = Proposals()
    known = await uow.roster.employees_in({(a, nip) for a, _, nip in keys})
    for key in keys:
        if (key[0], key[2]) not in known:
            out.not_found[key] = "the employee is not known in the agency's roster"
    keys = [k for k in keys if k not in out.not_found]
    # An employee proposed for already is found by the insert (the unique scope and revision),
    # not by reading every appraisal of the batch first: most employees have none.
    if inputs is None:
        inputs = await read_inputs(uow, keys, checkpoint)
    for key in keys:
        if key not in inputs.targets:
            out.not_found[key] = "no approved SKP of the employee in this period is known"
    keys = [k for k in keys if k in inputs.targets]
    if not keys:
        return out
    policies = await uow.policies.in_force({a for a, _, _ in keys})
    # A checkpoint belongs to one agency's period: its days are that agency's.
    zone = await uow.zone(keys[0][0]) if checkpoint is not None else None
    evidence = await uow.projections.evidence_of(keys, checkpoint, zone)
    units = await _unit_results(uow, keys, policies, checkpoint, inputs)
    now = uow.clock.now()
    made = []
    for key in keys:
        target = inputs.targets[key]
        policy, realized, said = policies[key[0]], inputs.realized_of(target).latest, evidence.get(key) or Evidence()
        try:
            proposed = propose(
                indikator_inputs(target.rhk, realized), said.answers, policy, citizen_service_score=said.citizen_score
            )
        except AppraisalError as exc:
            out.refused[key] = str(exc)
            continue
        # Only the publishable evidence is kept: every view and event is made from it, so none
        # can show an anonymous answer (the anonymity rule, domain/anonymity.py).
        perilaku = publishable(proposed, said.answers)
        made.append(
            Appraisal.propose(
                str(uuid.uuid4()),
                key,
                proposed,
                perilaku,
                policy,
                target=target,
                realizations=len(realized),
                forms=said.forms,
                citizens=said.citizen_score,
                unit=units.get(key),
                checkpoint=checkpoint,
                now=now,
            )
        )
    out.created = await uow.appraisals.add_proposals(made)
    # Proposed on a person's request (HR over HTTP); the due processor's own proposals record nothing.
    await access_log.record_changes(uow, [(Kind.APPRAISAL, made_id, key[2]) for key, made_id in out.created.items()])
    already = [a.key for a in made if a.key not in out.created]
    if already:  # proposed before (or by a concurrent transaction): that proposal stands
        scope = scope_of(checkpoint.checkpoint_id if checkpoint else None)
        out.existing = await uow.appraisals.latest_in_scope_of(already, scope)
    return out


async def _unit_results(
    uow: AppraisalUnitOfWork,
    keys: list[Key],
    policies: dict[str, AppraisalPolicy],
    checkpoint: Checkpoint | None,
    known: Inputs,
) -> dict[Key, UnitResult | None]:
    """The unit result of every head of unit among ``keys``: each member's capaian is computed
    once for all of them, from the batch's own inputs (``known``) for members in the batch and
    from targets and realisations read a slice of the other members at a time."""
    under: dict[Key, set[str]] = {}
    for agency_id, some in _by_agency(keys).items():
        tree = await uow.roster.units(agency_id)
        parent_of = {u.unit_id: u.parent_unit_id for u in tree}
        for key in some:
            headed = sorted(u.unit_id for u in tree if u.head_nip == key[2])
            if headed:
                under[key] = units_under(parent_of, headed)
    if not under:
        return {}
    # Everyone working in those units, in every period of a head among them.
    members: dict[Key, str] = {}  # -> their unit
    periods: dict[str, set[str]] = defaultdict(set)
    for agency_id, period_id, _ in under:
        periods[agency_id].add(period_id)
    for agency_id, some in _by_agency(under).items():
        for employee in await uow.roster.in_units(agency_id, set().union(*(under[k] for k in some))):
            for period_id in sorted(periods[agency_id]):
                members[agency_id, period_id, employee.nip] = employee.unit_id or ""
    by_unit: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (agency_id, period_id, nip), unit_id in members.items():
        by_unit[agency_id, period_id, unit_id].append(nip)
    capaian = await _capaian_of(uow, list(members), policies, checkpoint, known)

    results: dict[Key, UnitResult | None] = {}
    for (agency_id, period_id, head), unit_ids in under.items():
        scores = {}
        for unit_id in unit_ids:
            for nip in by_unit.get((agency_id, period_id, unit_id), []):
                if nip != head and (score := capaian.get((agency_id, period_id, nip))) is not None:
                    scores[nip] = score
        # With no member result the head is appraised on their own SKP, and the explanation says so.
        results[agency_id, period_id, head] = unit_result(unit_ids, scores, policies[agency_id])
    return results


# Members whose inputs are held at once: an agency head's unit is the whole agency (~20,000),
# whose SKPs read together held ~400 MB beside the rest of the batch at N=100,000.
MEMBERS_PER_READ = 2_000


async def _capaian_of(
    uow: AppraisalUnitOfWork,
    members: list[Key],
    policies: dict[str, AppraisalPolicy],
    checkpoint: Checkpoint | None,
    known: Inputs,
) -> dict[Key, float]:
    """Each member's average capaian of their main work; a member with no approved SKP, or one
    that cannot be assessed, has nothing to measure by. Members in ``known`` (the batch: an
    agency head's batch is most of the agency) are not read again; the others are read and
    computed a slice at a time."""
    capaian: dict[Key, float] = {}
    in_batch = [m for m in members if m in known.targets]
    _add_capaian(capaian, Inputs({m: known.targets[m] for m in in_batch}, known.realized), policies)
    others = [m for m in members if m not in known.read_for]
    for start in range(0, len(others), MEMBERS_PER_READ):
        _add_capaian(capaian, await read_inputs(uow, others[start : start + MEMBERS_PER_READ], checkpoint), policies)
    return capaian


def _add_capaian(capaian: dict[Key, float], inputs: Inputs, policies: dict[str, AppraisalPolicy]) -> None:
    for member, target in inputs.targets.items():
        latest = inputs.realized_of(target).latest
        try:
            capaian[member] = average_capaian_utama(indikator_inputs(target.rhk, latest), policies[member[0]])
        except AppraisalError:
            pass


async def propose_appraisal(
    uow: AppraisalUnitOfWork, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> dict:
    """One employee's proposal now (a batch of one). A second call returns the first one."""
    async with uow:
        if await uow.roster.period(agency_id, period_id) is None:
            raise NotFound(NO_PERIOD)
        key = (agency_id, period_id, nip)
        made = await propose_many(uow, [key], checkpoint)
        if key in made.not_found:
            raise NotFound(made.not_found[key])
        if key in made.refused:
            raise WrongState(made.refused[key])
        if key in made.existing:
            appraisal = made.existing[key]
        else:
            found = await uow.appraisals.get(agency_id, made.created[key])
            assert found is not None  # inserted in this transaction
            appraisal = found
        await uow.commit()
        return views.appraisal(appraisal)
