"""The Appraisal aggregate: one revision of an employee's result for a year (or a checkpoint),
and the objection (keberatan) to it.

Lifecycle: ``proposed`` (made from the data; no event) -> ``final`` (the appraiser confirmed or
overrode it: AppraisalCompleted) -> ``superseded`` (an objection changed it: a new revision,
final at once, replaces it: AppraisalRevised). A row never changes its ratings once final; a
revision is a new Appraisal. Each step checks who may take it and in which state, and returns
the events to publish; storing and publishing are the use case's.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from kinerja_contracts import AppraisalCompleted, AppraisalRevised, AppraisalSummary
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState

from .confirmation import FinalRatings, decide_final
from .inputs import Checkpoint, Key, Target
from .objection import Outcome, check_objection_window, revised_ratings
from .policy import AppraisalPolicy
from .predikat import predikat_for

# The proposal's inputs and results, read from here by anonymity.py too.
from .proposal import FeedbackAnswer as FeedbackAnswer
from .proposal import PerilakuResult as PerilakuResult
from .proposal import ProposedAppraisal
from .summary import explanation_of, summary_of, with_gaps
from .unit_result import UnitResult

if TYPE_CHECKING:  # anonymity.py reads the proposal's types from this module
    from .anonymity import PublishedPerilaku

__all__ = ["CURRENT", "Appraisal", "AppraisalKind", "Objection", "ObjectionStatus", "Status", "scope_of"]

AppraisalKind = Literal["annual", "periodic"]


class Status(StrEnum):
    PROPOSED = "proposed"  # made from the data, waiting for the appraiser
    FINAL = "final"  # confirmed (or overridden) by the appraiser, or revised after an objection
    SUPERSEDED = "superseded"  # replaced by a revision after an objection; stays readable


# A superseded revision stays readable but is not current.
CURRENT = (Status.PROPOSED, Status.FINAL)


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = Outcome.UPHELD.value
    CHANGED = Outcome.CHANGED.value


def scope_of(checkpoint_id: str | None) -> str:
    """One proposal per employee per year and per checkpoint: ``annual`` or ``periodic:<id>``."""
    return "annual" if checkpoint_id is None else f"periodic:{checkpoint_id}"


@dataclass(slots=True)
class Objection:
    objection_id: str
    agency_id: str
    period_id: str
    nip: str
    appraisal_id: str
    reasons: str
    filed_on: date
    filed_at: datetime
    superior_nip: str
    status: ObjectionStatus = ObjectionStatus.OPEN
    decided_by: str | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None
    revised_appraisal_id: str | None = None

    def may_decide(self, by: str) -> None:
        """Only the appraiser's superior decides, once."""
        if self.superior_nip != by:
            raise NotPermitted("only the appraiser's superior decides this objection")
        if self.status is not ObjectionStatus.OPEN:
            raise WrongState(f"this objection was already decided ({self.status})")


@dataclass(slots=True)
class Appraisal:
    """One revision. Ratings are the vocabulary's texts as stored (``rating_*`` and ``predikat``
    are the final result, None while only proposed)."""

    appraisal_id: str
    agency_id: str
    period_id: str
    nip: str
    kind: AppraisalKind
    checkpoint_id: str | None
    scope: str
    revision: int
    status: Status
    proposed_rating_hasil_kerja: str
    proposed_rating_perilaku: str
    proposed_predikat: str
    proposed_at: datetime
    policy_version: str
    summary: dict
    explanation: dict
    rating_hasil_kerja: str | None = None
    rating_perilaku: str | None = None
    predikat: str | None = None
    appraiser_nip: str | None = None
    confirm_reason: str | None = None
    completed_at: datetime | None = None
    # The agency-local day the result became final: day 0 of the objection period.
    final_on: date | None = None
    supersedes_appraisal_id: str | None = None
    objection_id: str | None = None

    @property
    def key(self) -> Key:
        return (self.agency_id, self.period_id, self.nip)

    # --- proposing -----------------------------------------------------------------------

    @classmethod
    def propose(
        cls,
        appraisal_id: str,
        key: Key,
        proposed: ProposedAppraisal,
        perilaku: PublishedPerilaku,
        policy: AppraisalPolicy,
        *,
        target: Target,
        realizations: int,
        forms: int,
        citizens: float | None,
        unit: UnitResult | None,
        checkpoint: Checkpoint | None,
        now: datetime,
    ) -> Appraisal:
        """The proposal from the employee's own ratings (``proposed``) and only the publishable
        behaviour evidence (``perilaku``): every view and event is made from what it keeps.
        A head of unit's hasil kerja is the unit's result (PermenPANRB 6/2022)."""
        hasil, predikat = proposed.rating_hasil_kerja, proposed.predikat
        if unit is not None:
            hasil, predikat = unit.level, predikat_for(unit.level, proposed.rating_perilaku)
        return cls(
            appraisal_id=appraisal_id,
            agency_id=key[0],
            period_id=key[1],
            nip=key[2],
            kind="periodic" if checkpoint else "annual",
            checkpoint_id=checkpoint.checkpoint_id if checkpoint else None,
            scope=scope_of(checkpoint.checkpoint_id if checkpoint else None),
            revision=1,
            status=Status.PROPOSED,
            proposed_rating_hasil_kerja=hasil.value,
            proposed_rating_perilaku=proposed.rating_perilaku.value,
            proposed_predikat=predikat.value,
            proposed_at=now,
            policy_version=policy.version,
            summary=summary_of(proposed, perilaku, forms, citizens),
            explanation=explanation_of(
                proposed, perilaku, policy, unit, target, realizations, forms, citizens, checkpoint
            ),
        )

    # --- the appraiser's decision ----------------------------------------------------------

    def confirm(
        self,
        by: str,
        appraiser_now: str | None,
        *,
        today: date,
        now: datetime,
        rating_hasil_kerja: Ekspektasi | None = None,
        rating_perilaku: Ekspektasi | None = None,
        reason: str | None = None,
    ) -> AppraisalCompleted:
        """``by`` confirms the proposal (an omitted rating accepts it) or overrides it with a
        reason; ``appraiser_now`` is who the roster names as the employee's appraiser: a role
        in the token alone is not enough."""
        if appraiser_now != by:
            raise NotPermitted("only the employee's appraiser may confirm this appraisal")
        if self.status is not Status.PROPOSED:
            raise WrongState(f"this appraisal is already {self.status}")
        final = decide_final(
            Ekspektasi(self.proposed_rating_hasil_kerja),
            Ekspektasi(self.proposed_rating_perilaku),
            rating_hasil_kerja,
            rating_perilaku,
            reason,
        )
        self._finalise(final, by, final.reason, today, now)
        return AppraisalCompleted(
            agency_id=self.agency_id,
            period_id=self.period_id,
            nip=self.nip,
            appraisal_id=self.appraisal_id,
            rating_hasil_kerja=final.rating_hasil_kerja,
            rating_perilaku=final.rating_perilaku,
            predikat=final.predikat,
            policy_version=self.policy_version,
            completed_at=now,
            summary=self.event_summary(),
            kind=self.kind,
            checkpoint_id=self.checkpoint_id,
            proposed_rating_hasil_kerja=Ekspektasi(self.proposed_rating_hasil_kerja),
            proposed_rating_perilaku=Ekspektasi(self.proposed_rating_perilaku),
            override_reason=final.reason if final.overridden else None,
            appraiser_nip=by,
            revision=self.revision,
        )

    def override(
        self,
        by: str,
        appraiser_now: str | None,
        *,
        reason: str | None,
        today: date,
        now: datetime,
        rating_hasil_kerja: Ekspektasi | None = None,
        rating_perilaku: Ekspektasi | None = None,
    ) -> AppraisalCompleted:
        """The appraiser departs from the proposal: the same step as :meth:`confirm`, which
        refuses a differing rating without a written reason."""
        return self.confirm(
            by,
            appraiser_now,
            today=today,
            now=now,
            rating_hasil_kerja=rating_hasil_kerja,
            rating_perilaku=rating_perilaku,
            reason=reason,
        )

    def _finalise(self, result: FinalRatings, appraiser_nip: str | None, reason: str | None, today, now) -> None:
        self.status = Status.FINAL
        self.rating_hasil_kerja = result.rating_hasil_kerja.value
        self.rating_perilaku = result.rating_perilaku.value
        self.predikat = result.predikat.value
        self.appraiser_nip = appraiser_nip
        self.confirm_reason = reason
        self.completed_at = now
        self.final_on = today

    def event_summary(self) -> AppraisalSummary:
        """The stored summary as events carry it, with the development gaps."""
        return AppraisalSummary.model_validate(with_gaps(self.summary))

    # --- objection -------------------------------------------------------------------------

    def may_object(self, today: date) -> None:
        """A final result of the first revision, within 14 days of becoming final."""
        if self.status is not Status.FINAL:
            raise WrongState(f"only a final result can be objected to; this appraisal is {self.status}")
        if self.revision > 1:
            raise WrongState("this result is the superior's decision on an objection, which is final")
        assert self.final_on is not None  # a final result has its day
        check_objection_window(self.final_on, today)

    def object(self, objection_id: str, reasons: str, *, superior_nip: str, today: date, now: datetime) -> Objection:
        """The employee objects; ``superior_nip`` (the appraiser's own appraiser) decides."""
        self.may_object(today)
        return Objection(
            objection_id=objection_id,
            agency_id=self.agency_id,
            period_id=self.period_id,
            nip=self.nip,
            appraisal_id=self.appraisal_id,
            reasons=reasons,
            filed_on=today,
            filed_at=now,
            superior_nip=superior_nip,
        )

    def decide(
        self,
        objection: Objection,
        by: str,
        outcome: Outcome,
        reason: str,
        *,
        revised_id: str,
        today: date,
        now: datetime,
        rating_hasil_kerja: Ekspektasi | None = None,
        rating_perilaku: Ekspektasi | None = None,
    ) -> tuple[Appraisal | None, list[AppraisalRevised]]:
        """The superior upholds the result (it stands) or changes it: a new revision
        ``revised_id``, final at once, supersedes this one. Returns (the revision or None, the
        events); ``objection`` records the decision."""
        objection.may_decide(by)
        outcome = Outcome(outcome)
        result = None
        if outcome is Outcome.CHANGED:
            assert self.rating_hasil_kerja is not None and self.rating_perilaku is not None  # objected: final
            result = revised_ratings(
                Ekspektasi(self.rating_hasil_kerja),
                Ekspektasi(self.rating_perilaku),
                rating_hasil_kerja,
                rating_perilaku,
                reason,
            )
        elif rating_hasil_kerja or rating_perilaku:
            raise InvalidInput("an upheld result keeps its ratings; send outcome 'changed' to change them")
        objection.status = ObjectionStatus(outcome.value)
        objection.decided_by = by
        objection.decision_reason = reason
        objection.decided_at = now
        objection.revised_appraisal_id = revised_id if result else None
        if result is None:
            return None, []
        revised, event = self.supersede(revised_id, objection, result, today=today, now=now)
        return revised, [event]

    def supersede(
        self, revised_id: str, objection: Objection, result: FinalRatings, *, today: date, now: datetime
    ) -> tuple[Appraisal, AppraisalRevised]:
        """Replace this final result by the next revision with ``result`` (the objection's
        decision): only a final result is revised, and only once."""
        if self.status is not Status.FINAL:
            raise WrongState("the objected result is no longer the current one")
        assert objection.decided_by is not None and objection.decision_reason is not None  # decided
        revised = dataclasses.replace(
            self,
            appraisal_id=revised_id,
            revision=self.revision + 1,
            supersedes_appraisal_id=self.appraisal_id,
            objection_id=objection.objection_id,
        )
        # The appraiser who confirmed the original stays named; the reason is the decision's.
        revised._finalise(result, self.appraiser_nip, objection.decision_reason, today, now)
        self.status = Status.SUPERSEDED
        return revised, AppraisalRevised(
            agency_id=self.agency_id,
            period_id=self.period_id,
            nip=self.nip,
            appraisal_id=revised_id,
            supersedes_appraisal_id=self.appraisal_id,
            revision=revised.revision,
            objection_id=objection.objection_id,
            decided_by=objection.decided_by,
            reason=objection.decision_reason,
            rating_hasil_kerja=result.rating_hasil_kerja,
            rating_perilaku=result.rating_perilaku,
            predikat=result.predikat,
            policy_version=self.policy_version,
            kind=self.kind,
            checkpoint_id=self.checkpoint_id,
            summary=self.event_summary(),
            revised_at=now,
        )
