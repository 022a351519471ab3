"""The SKP (Sasaran Kinerja Pegawai) aggregate: numbered versions of the plan, the
draft → submitted → approved / returned lifecycle of each, and who may do what.

Version 1 is the first plan. Changing an approved SKP starts version n+1 as a draft that goes
through the same lifecycle; until it is approved, version n stays in force (realisation and
subordinates' links keep using it), and every earlier version stays readable."""

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState

from target_service.domain.errors import UnknownIndicator
from target_service.domain.rhk import (  # noqa: F401  (re-exported: the SKP's vocabulary)
    Indikator,
    IndikatorDraft,
    RencanaHasilKerja,
    RhkDraft,
    default_higher_is_better,
    plan_rhk,
)
from target_service.domain.roster import may_read_record


class SkpStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


EDITABLE = frozenset({SkpStatus.DRAFT, SkpStatus.RETURNED})


@dataclass
class SkpVersion:
    """One numbered version of the plan and where it is in its lifecycle."""

    number: int
    rhk: tuple[RencanaHasilKerja, ...]
    status: SkpStatus = SkpStatus.DRAFT
    notes: str | None = None
    reason: str | None = None  # why the approved plan was revised; None for version 1
    approved_by: str | None = None
    approved_at: datetime | None = None
    # When the version was drafted and first submitted (the province's SKP progress, issue 11);
    # None for versions stored before these times were kept.
    drafted_at: datetime | None = None
    submitted_at: datetime | None = None


@dataclass
class Skp:
    skp_id: str
    agency_id: str
    period_id: str
    nip: str
    versions: list[SkpVersion] = field(default_factory=list)

    @classmethod
    def draft(
        cls,
        skp_id: str,
        agency_id: str,
        period_id: str,
        nip: str,
        rhk: tuple[RencanaHasilKerja, ...],
        now: datetime | None = None,
    ) -> "Skp":
        return cls(skp_id, agency_id, period_id, nip, [SkpVersion(1, rhk, drafted_at=now)])

    # --- which version ---------------------------------------------------------------------
    @property
    def latest(self) -> SkpVersion:
        """The version being worked on (or, with no revision pending, the one in force)."""
        return self.versions[-1]

    @property
    def in_force(self) -> SkpVersion | None:
        """The last approved version: what realisation and cascading use."""
        return next((v for v in reversed(self.versions) if v.status is SkpStatus.APPROVED), None)

    @property
    def pending_revision(self) -> SkpVersion | None:
        return self.latest if self.in_force is not None and self.latest is not self.in_force else None

    @property
    def current(self) -> SkpVersion:
        """What the SKP shows first: the version in force, else the first draft."""
        return self.in_force or self.latest

    @property
    def version(self) -> int | None:
        return self.in_force.number if self.in_force else None

    @property
    def status(self) -> SkpStatus:
        return self.current.status

    # --- who may do what -------------------------------------------------------------
    # Refusals name the rule, never a person: no NIP of the owner or the appraiser in a message.
    def _owner_only(self, actor_nip: str, doing: str) -> None:
        if actor_nip != self.nip:
            raise NotPermitted(f"only the employee may {doing} their SKP")

    def _appraiser_only(self, actor_nip: str, appraiser_nip: str | None, doing: str) -> None:
        if appraiser_nip is None:
            raise NotPermitted(f"the employee has no appraiser on the roster; nobody may {doing} this SKP")
        if actor_nip == self.nip:
            raise NotPermitted(f"an employee may not {doing} their own SKP")
        if actor_nip != appraiser_nip:
            raise NotPermitted(f"only the employee's appraiser may {doing} this SKP")

    def may_read(self, actor_nip: str, appraiser_nip: str | None, is_hr: bool) -> bool:
        """The owner's personal record: see :func:`may_read_record`."""
        return may_read_record(actor_nip, is_hr, self.nip, appraiser_nip)

    # --- lifecycle (always of the latest version) ---------------------------------------
    def edit(self, actor_nip: str, rhk: tuple[RencanaHasilKerja, ...]) -> None:
        """Replace the planned results of a draft or returned version; it becomes a draft again."""
        self._owner_only(actor_nip, "edit")
        if self.latest.status not in EDITABLE:
            raise WrongState(
                f"an SKP version that is {self.latest.status} cannot be edited; "
                "only draft or returned ones (to change an approved SKP, start a revision)"
            )
        self.latest.rhk, self.latest.status = rhk, SkpStatus.DRAFT

    def start_revision(
        self, actor_nip: str, rhk: tuple[RencanaHasilKerja, ...], reason: str, now: datetime | None = None
    ) -> SkpVersion:
        """Draft version n+1 of an approved SKP; version n stays in force meanwhile."""
        self._owner_only(actor_nip, "revise")
        if self.latest.status is not SkpStatus.APPROVED:
            raise WrongState(
                f"only an approved SKP can be revised; version {self.latest.number} is "
                f"{self.latest.status} (edit that version instead)"
            )
        if not reason.strip():
            raise InvalidInput("a revision needs a reason")
        self.versions.append(SkpVersion(self.latest.number + 1, rhk, reason=reason.strip(), drafted_at=now))
        return self.latest

    def submit(self, actor_nip: str, now: datetime | None = None) -> None:
        """The version goes to the appraiser; the time of its first submission is kept (a version
        returned and submitted again was submitted by then all the same)."""
        self._owner_only(actor_nip, "submit")
        if self.latest.status not in EDITABLE:
            raise WrongState(
                f"an SKP version that is {self.latest.status} cannot be submitted; only draft or returned ones"
            )
        self.latest.status = SkpStatus.SUBMITTED
        if self.latest.submitted_at is None:
            self.latest.submitted_at = now

    def approve(self, actor_nip: str, appraiser_nip: str | None, now: datetime) -> int | None:
        """Approve the submitted version; returns the version it supersedes (None for the first)."""
        self._appraiser_only(actor_nip, appraiser_nip, "approve")
        if self.latest.status is not SkpStatus.SUBMITTED:
            raise WrongState(f"only a submitted SKP can be approved; this one is {self.latest.status}")
        previous = self.in_force.number if self.in_force else None
        self.latest.status, self.latest.notes = SkpStatus.APPROVED, None
        self.latest.approved_by, self.latest.approved_at = actor_nip, now
        return previous

    def return_for_revision(self, actor_nip: str, appraiser_nip: str | None, notes: str) -> None:
        self._appraiser_only(actor_nip, appraiser_nip, "return")
        if self.latest.status is not SkpStatus.SUBMITTED:
            raise WrongState(f"only a submitted SKP can be returned; this one is {self.latest.status}")
        if not notes.strip():
            raise InvalidInput("returning an SKP needs notes saying what to change")
        self.latest.status, self.latest.notes = SkpStatus.RETURNED, notes.strip()

    # --- during the year (against the version in force) ----------------------------------
    def _in_force_for(self, doing: str) -> SkpVersion:
        if self.in_force is None:
            raise WrongState(f"{doing} needs an approved SKP; this one is {self.latest.status}")
        return self.in_force

    def indikator(self, iki_id: str) -> Indikator:
        for row in self.in_force.rhk if self.in_force else self.latest.rhk:
            for iki in row.indikator:
                if iki.iki_id == iki_id:
                    return iki
        raise UnknownIndicator("no such IKI in this SKP")

    def rhk_in_force(self, rhk_id: str) -> RencanaHasilKerja:
        for row in self._in_force_for("feedback").rhk:
            if row.rhk_id == rhk_id:
                return row
        raise UnknownIndicator("no such RHK in the version in force of this SKP")

    def check_realization(
        self, actor_nip: str, appraiser_nip: str | None, is_hr: bool, iki_id: str, value: float
    ) -> Indikator:
        """A realisation is for an IKI of the version in force, a value ≥ 0, by the owner, appraiser or HR.

        (The period being open and the checkpoint are the Period's rules.)"""
        if not self.may_read(actor_nip, appraiser_nip, is_hr):
            raise NotPermitted("only the employee, their appraiser or HR may record a realisation")
        iki = self.indikator(iki_id)
        self._in_force_for("recording a realisation")
        if not (math.isfinite(value) and value >= 0):
            raise InvalidInput("a realisation value must be 0 or more")
        return iki

    def check_feedback(self, actor_nip: str, appraiser_nip: str | None, rhk_id: str, note: str) -> RencanaHasilKerja:
        """Continuous feedback (umpan balik berkelanjutan) is the appraiser's, on an RHK in force."""
        self._appraiser_only(actor_nip, appraiser_nip, "give feedback on")
        row = self.rhk_in_force(rhk_id)
        if not note.strip():
            raise InvalidInput("feedback needs a note")
        return row
