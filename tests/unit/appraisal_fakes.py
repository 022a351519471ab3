"""appraisal-service's unit of work for the fast tier: in-memory repositories with the same
methods as the real ones (appraisal_service.adapters), over dictionaries.

Like a database they keep copies: an aggregate changed by a use case is stored only when the
use case saves it, and a conditional write (``save(..., was=)``, ``save_decision``, a unique
key) refuses as the real statement would. Arranging helpers (``add_target``, ...) stand in for
the events that fill the projections.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from appraisal_service.adapters.projections import _citizen_score
from appraisal_service.adapters.records import ToConfirm
from appraisal_service.domain import (
    CURRENT,
    DEFAULT_POLICY,
    Appraisal,
    AppraisalPolicy,
    DueAppraisal,
    DueStatus,
    Evidence,
    FeedbackAnswer,
    Objection,
    ObjectionStatus,
    OrganisationPredikat,
    Realized,
    Status,
    Target,
    policy_from_parameters,
)
from fakes import FakeRoster, FakeUnitOfWork
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource


class FakeAppraisals:
    def __init__(self, roster: FakeRoster):
        self.rows: dict[str, Appraisal] = {}
        self.roster = roster  # what to_confirm() reads beside the appraisal

    def _copies(self, found) -> list[Appraisal]:
        return [replace(a) for a in found]

    async def get(self, agency_id, appraisal_id):
        found = self.rows.get(appraisal_id)
        return replace(found) if found and found.agency_id == agency_id else None

    async def to_confirm(self, agency_id, appraisal_id) -> ToConfirm | None:
        found = await self.get(agency_id, appraisal_id)
        if found is None:
            return None
        agency = await self.roster.agency(agency_id)
        return ToConfirm(
            found, await self.roster.appraiser_of(agency_id, found.nip), agency.timezone if agency else None
        )

    def _scope(self, agency_id, period_id, nip, scope) -> list[Appraisal]:
        return sorted(
            (
                a
                for a in self.rows.values()
                if (a.agency_id, a.period_id, a.nip, a.scope) == (agency_id, period_id, nip, scope)
            ),
            key=lambda a: a.revision,
        )

    async def latest_in_scope(self, agency_id, period_id, nip, scope):
        found = self._scope(agency_id, period_id, nip, scope)
        return replace(found[-1]) if found else None

    async def latest_in_scope_of(self, keys, scope):
        return {k: replace(found[-1]) for k in keys if (found := self._scope(*k, scope))}

    async def lineage(self, appraisal):
        return self._copies(self._scope(appraisal.agency_id, appraisal.period_id, appraisal.nip, appraisal.scope))

    async def of_employee(self, agency_id, period_id, nip):
        return self._copies(
            sorted(
                (a for a in self.rows.values() if (a.agency_id, a.period_id, a.nip) == (agency_id, period_id, nip)),
                key=lambda a: (a.scope, a.revision),
            )
        )

    async def page(self, agency_id, period_id, *, kind, statuses, checkpoint_id, nips, limit, offset):
        found = sorted(
            (
                a
                for a in self.rows.values()
                if (a.agency_id, a.period_id, a.kind) == (agency_id, period_id, kind)
                and a.status in statuses
                and (checkpoint_id is None or a.checkpoint_id == checkpoint_id)
                and (nips is None or a.nip in nips)
            ),
            key=lambda a: (a.nip, a.scope, a.revision),
        )
        return self._copies(found[offset : offset + limit])

    async def final_page(self, agency_id, period_id, *, kinds, after, limit):
        from appraisal_service.adapters.records import FinalResult

        found = sorted(
            (
                a
                for a in self.rows.values()
                if (a.agency_id, a.period_id) == (agency_id, period_id)
                and a.status is Status.FINAL
                and a.kind in kinds
                and (after is None or (a.nip, a.scope) > tuple(after))
            ),
            key=lambda a: (a.nip, a.scope),
        )
        return [FinalResult(*(getattr(a, name) for name in FinalResult._fields)) for a in found[:limit]]

    async def results(self, agency_id, period_id, scope, statuses):
        from appraisal_service.adapters.records import Result

        return [
            Result(a.nip, a.status, a.predikat, a.proposed_predikat)
            for a in sorted(self.rows.values(), key=lambda a: a.nip)
            if (a.agency_id, a.period_id, a.scope) == (agency_id, period_id, scope) and a.status in statuses
        ]

    async def add_proposals(self, proposals):
        inserted = {}
        for a in proposals:
            if not self._scope(a.agency_id, a.period_id, a.nip, a.scope):  # the unique scope and revision
                self.rows[a.appraisal_id] = replace(a)
                inserted[a.key] = a.appraisal_id
        return inserted

    async def add(self, appraisal):
        assert all(
            (a.agency_id, a.period_id, a.nip, a.scope, a.revision)
            != (appraisal.agency_id, appraisal.period_id, appraisal.nip, appraisal.scope, appraisal.revision)
            for a in self.rows.values()
        ), "unique scope and revision"
        self.rows[appraisal.appraisal_id] = replace(appraisal)

    async def save(self, appraisal, was):
        stored = self.rows.get(appraisal.appraisal_id)
        if stored is None or stored.status is not was:
            return False
        self.rows[appraisal.appraisal_id] = replace(appraisal)
        return True


class FakeObjections:
    def __init__(self):
        self.rows: dict[str, Objection] = {}

    async def get(self, agency_id, objection_id):
        found = self.rows.get(objection_id)
        return replace(found) if found and found.agency_id == agency_id else None

    async def on_appraisals(self, agency_id, appraisal_ids):
        return [
            replace(o)
            for o in sorted(self.rows.values(), key=lambda o: o.filed_at)
            if o.agency_id == agency_id and o.appraisal_id in set(appraisal_ids)
        ]

    async def page(self, agency_id, *, party_nip, status, limit, offset):
        found = [
            replace(o)
            for o in sorted(self.rows.values(), key=lambda o: (o.filed_at, o.objection_id))
            if o.agency_id == agency_id
            and (party_nip is None or party_nip in (o.nip, o.superior_nip))
            and (status is None or o.status is status)
        ]
        return found[offset : offset + limit]

    async def add(self, objection):
        if any(o.appraisal_id == objection.appraisal_id for o in self.rows.values()):
            return False  # one objection per result
        self.rows[objection.objection_id] = replace(objection)
        return True

    async def save_decision(self, objection):
        stored = self.rows.get(objection.objection_id)
        if stored is None or stored.status is not ObjectionStatus.OPEN:
            return False
        self.rows[objection.objection_id] = replace(objection)
        return True


class FakePolicies:
    def __init__(self):
        self.versions: dict[str, list[dict]] = defaultdict(list)

    async def current(self, agency_id):
        if not self.versions[agency_id]:
            return DEFAULT_POLICY, None
        row = self.versions[agency_id][-1]
        return policy_from_parameters(row["version"], row["parameters"]), dict(row)

    async def add(self, agency_id, parameters, set_by, at) -> AppraisalPolicy | None:
        policy = policy_from_parameters(f"agency-v{len(self.versions[agency_id]) + 1}", parameters)
        self.versions[agency_id].append(
            {"version": policy.version, "parameters": policy.parameters(), "set_by": set_by, "set_at": at}
        )
        return policy

    async def in_force(self, agency_ids):
        return {a: (await self.current(a))[0] for a in agency_ids}


class FakeProjections:
    def __init__(self):
        self.targets: dict[tuple, Target] = {}
        self.realized: dict[str, list[tuple[str, float, str | None]]] = defaultdict(list)  # skp -> (iki, value, cp)
        # key -> (answer, checkpoint, the form it came in)
        self.answers: dict[tuple, list[tuple[FeedbackAnswer, str | None, str | None]]] = defaultdict(list)
        self.forms: dict[tuple, int] = defaultdict(int)
        self.citizens: dict[tuple, float] = {}
        self.form_ids: set[str] = set()
        self.citizen_answers: dict[str, tuple[tuple, float]] = {}

    # -- arranging (what the events would have projected) ----------------------------------
    def add_target(self, agency_id, period_id, nip, rhk, *, skp_id=None, version=1) -> Target:
        target = Target(agency_id, period_id, nip, skp_id or f"skp-{nip}", version, rhk)
        self.targets[agency_id, period_id, nip] = target
        return target

    def add_realization(self, skp_id, iki_id, value, checkpoint_id=None) -> None:
        self.realized[skp_id].append((iki_id, value, checkpoint_id))

    def add_form(self, key, answers, checkpoint_id=None) -> None:
        """One feedback form about the employee of ``key``: its answers."""
        self.answers[key].extend((a, checkpoint_id, None) for a in answers)
        self.forms[key] += 1

    # -- the handlers' writes ------------------------------------------------------------
    async def put_targets(self, rows):
        for r in rows:
            self.add_target(
                r["agency_id"], r["period_id"], r["nip"], r["rhk"], skp_id=r["skp_id"], version=r["version"]
            )

    async def add_realizations(self, rows):
        for r in rows:
            self.add_realization(r["skp_id"], r["iki_id"], r["value"], r["checkpoint_id"])

    async def put_feedback(self, rows):
        """Each form as its answers about the employee (a form sent again replaces its answers)."""
        for r in rows:
            key = (r["agency_id"], r["period_id"], r["nip"])
            source = FeedbackSource(r["source"])
            if r["feedback_id"] in self.form_ids:
                self.answers[key] = [x for x in self.answers[key] if x[2] != r["feedback_id"]]
                self.forms[key] -= 1
            self.form_ids.add(r["feedback_id"])
            answers = [
                FeedbackAnswer(source, BerakhlakValue(v), Ekspektasi(level), r["round_id"])
                for v, level in r["ratings"].items()
            ]
            self.answers[key].extend((a, r["checkpoint_id"], r["feedback_id"]) for a in answers)
            self.forms[key] += 1

    async def add_citizen_ratings(self, rows):
        """Citizens' answers naming an officer, as the score the real read averages them into."""
        for r in rows:
            if r["answer_id"] in self.citizen_answers:
                continue  # a redelivered answer changes nothing
            key = (r["agency_id"], r["period_id"], r["officer_nip"])
            self.citizen_answers[r["answer_id"]] = (key, r["mean_score"])
            means = [m for k, m in self.citizen_answers.values() if k == key]
            self.citizens[key] = _citizen_score(sum(means) / len(means))

    # -- reads ---------------------------------------------------------------------------
    async def nips_with_targets(self, agency_id, period_id):
        return sorted(n for (a, p, n) in self.targets if (a, p) == (agency_id, period_id))

    async def target_of(self, agency_id, period_id, nip):
        return self.targets.get((agency_id, period_id, nip))

    async def realization_count(self, skp_id):
        return len(self.realized[skp_id])

    async def feedback_forms(self, agency_id, period_id, nip):
        return self.forms[agency_id, period_id, nip]

    async def targets_of(self, keys):
        return {k: self.targets[k] for k in keys if k in self.targets}

    async def realizations_of(self, skp_ids, checkpoint=None):
        found = {}
        for skp_id in set(skp_ids):
            values = [
                (iki, v)
                for iki, v, cp in self.realized.get(skp_id, [])
                if checkpoint is None or cp == checkpoint.checkpoint_id
            ]
            if values:
                found[skp_id] = Realized(dict(values), len(values))
        return found

    async def evidence_of(self, keys, checkpoint=None, zone=None):
        found = {}
        for key in keys:
            answers = [
                a for a, cp, _ in self.answers.get(key, []) if checkpoint is None or cp == checkpoint.checkpoint_id
            ]
            if answers or key in self.citizens:
                found[key] = Evidence(answers, self.forms[key], self.citizens.get(key))
        return found


class FakeDue:
    def __init__(self):
        self.rows: dict[tuple, DueAppraisal] = {}
        self.wake = []

    async def queue(self, rows):
        for r in rows:
            key = (r["agency_id"], r["period_id"], r["nip"])
            self.rows.setdefault(key, DueAppraisal(**{**r, "status": DueStatus(r["status"])}))

    def after_commit(self, callback):
        self.wake.append(callback)

    async def claim(self, now: datetime, limit: int):
        due = sorted(
            (r for r in self.rows.values() if r.status is DueStatus.PENDING and r.due_at <= now),
            key=lambda r: (r.due_at, r.key),
        )
        return due[:limit]

    async def next_due(self, after):
        return min(
            (r.due_at for r in self.rows.values() if r.status is DueStatus.PENDING and r.due_at > after), default=None
        )

    async def set(self, keys, *, status=None, note=None, due_at=None):
        for key in keys:
            row = self.rows[key]
            self.rows[key] = replace(
                row,
                status=status or row.status,
                note=note if note is not None else row.note,
                due_at=due_at or row.due_at,
            )

    async def fail(self, notes):
        for key, note in notes.items():
            await self.set([key], status=DueStatus.FAILED, note=note)

    async def not_completed(self, agency_id, period_id, limit, offset):
        found = [
            {"nip": r.nip, "status": r.status.value, "note": r.note}
            for r in sorted(self.rows.values(), key=lambda r: r.nip)
            if (r.agency_id, r.period_id) == (agency_id, period_id) and r.status is not DueStatus.DONE
        ]
        return found[offset : offset + limit]


class FakeProvince:
    """Counts over the fake appraisals and objections, grouped as the real statements group them."""

    def __init__(self, appraisals: FakeAppraisals, objections: FakeObjections):
        self._appraisals, self._objections = appraisals, objections

    async def annual_predikat(self, periods):
        from appraisal_service.adapters.province import PredikatCount

        counted: dict[tuple, int] = defaultdict(int)
        for a in self._appraisals.rows.values():
            if (a.agency_id, a.period_id) in set(periods) and a.scope == "annual" and a.status in CURRENT:
                shown = a.predikat if a.status is Status.FINAL else a.proposed_predikat
                counted[a.agency_id, a.period_id, a.status, shown] += 1
        return [PredikatCount(*key, n) for key, n in counted.items()]

    async def objections(self, periods):
        from appraisal_service.adapters.province import ObjectionCount

        counted: dict[tuple, int] = defaultdict(int)
        for o in self._objections.rows.values():
            if (o.agency_id, o.period_id) in set(periods):
                counted[o.agency_id, o.period_id, o.status.value] += 1
        return [ObjectionCount(*key, n) for key, n in counted.items()]


class FakeOrganisationPredikats:
    def __init__(self):
        self.rows: dict[tuple[str, str], tuple[OrganisationPredikat, str, datetime]] = {}

    async def get(self, agency_id, period_id):
        found = self.rows.get((agency_id, period_id))
        return found[0] if found else None

    async def of_periods(self, periods):
        return {k: self.rows[k][0] for k in set(periods) if k in self.rows}

    async def put(self, agency_id, period_id, predikat, set_by, at):
        self.rows[agency_id, period_id] = (OrganisationPredikat(predikat), set_by, at)


class FakeAppraisalUnitOfWork(FakeUnitOfWork):
    """Its repositories exist from the start, so a test arranges them before the use case runs."""

    def __init__(self, clock=None):
        super().__init__(clock)
        self.open_repositories(None)
        self._opened = True

    def open_repositories(self, session) -> None:
        self.roster = FakeRoster()
        self.appraisals = FakeAppraisals(self.roster)
        self.objections = FakeObjections()
        self.policies = FakePolicies()
        self.projections = FakeProjections()
        self.due = FakeDue()
        self.organisation_predikats = FakeOrganisationPredikats()
        self.province = FakeProvince(self.appraisals, self.objections)

    async def commit(self) -> None:
        await super().commit()
        for wake in self.due.wake:
            wake()
        self.due.wake = []
