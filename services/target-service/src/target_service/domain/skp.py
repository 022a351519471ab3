"""The SKP (Sasaran Kinerja Pegawai) aggregate: planned results (RHK), their indicators (IKI),
the draft → submitted → approved / returned lifecycle, and who may do what."""

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kinerja_contracts.vocabulary import Aspect, RhkKind

from target_service.domain.errors import InvalidInput, NotPermitted, UnknownIndicator, WrongState

LOWER_IS_BETTER = frozenset({Aspect.WAKTU, Aspect.BIAYA})


class SkpStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


EDITABLE = frozenset({SkpStatus.DRAFT, SkpStatus.RETURNED})


@dataclass(frozen=True)
class Indikator:
    """An IKI: one measurable target of an RHK."""

    iki_id: str
    aspect: Aspect
    description: str
    target: float
    unit: str
    higher_is_better: bool


@dataclass(frozen=True)
class RencanaHasilKerja:
    """An RHK row: a planned result, utama or tambahan."""

    rhk_id: str
    kind: RhkKind
    description: str
    indikator: tuple[Indikator, ...]


@dataclass(frozen=True)
class IndikatorDraft:
    aspect: Aspect
    description: str
    target: float
    unit: str
    higher_is_better: bool | None = None


@dataclass(frozen=True)
class RhkDraft:
    kind: RhkKind
    description: str
    indikator: tuple[IndikatorDraft, ...]


def default_higher_is_better(aspect: Aspect) -> bool:
    """Time and cost indicators are lower-is-better; quantity and quality higher-is-better."""
    return Aspect(aspect) not in LOWER_IS_BETTER


def plan_rhk(drafts: list[RhkDraft], new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> tuple[RencanaHasilKerja, ...]:
    """Check the planned results and give every RHK and IKI its id."""
    if not any(RhkKind(d.kind) is RhkKind.UTAMA for d in drafts):
        raise InvalidInput("an SKP needs at least one RHK utama")
    rows = []
    for n, draft in enumerate(drafts, start=1):
        if not draft.description.strip():
            raise InvalidInput(f"RHK {n} needs a description")
        if not draft.indikator:
            raise InvalidInput(f"RHK {n} ({draft.description}) needs at least one IKI")
        indikator = []
        for m, iki in enumerate(draft.indikator, start=1):
            if not (math.isfinite(iki.target) and iki.target > 0):
                raise InvalidInput(f"RHK {n}, IKI {m}: the target must be greater than 0")
            if not iki.description.strip() or not iki.unit.strip():
                raise InvalidInput(f"RHK {n}, IKI {m}: description and unit are required")
            better = default_higher_is_better(iki.aspect) if iki.higher_is_better is None else iki.higher_is_better
            indikator.append(Indikator(
                new_id(), Aspect(iki.aspect), iki.description.strip(), float(iki.target), iki.unit.strip(), better
            ))
        rows.append(RencanaHasilKerja(new_id(), RhkKind(draft.kind), draft.description.strip(), tuple(indikator)))
    return tuple(rows)


@dataclass
class Skp:
    skp_id: str
    agency_id: str
    period_id: str
    nip: str
    rhk: tuple[RencanaHasilKerja, ...]
    status: SkpStatus = SkpStatus.DRAFT
    version: int | None = None
    notes: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None

    # --- who may do what -------------------------------------------------------------
    def _owner_only(self, actor_nip: str, doing: str) -> None:
        if actor_nip != self.nip:
            raise NotPermitted(f"only the employee ({self.nip}) may {doing} their SKP")

    def _appraiser_only(self, actor_nip: str, appraiser_nip: str | None, doing: str) -> None:
        if appraiser_nip is None:
            raise NotPermitted(f"employee {self.nip} has no appraiser on the roster; nobody may {doing} this SKP")
        if actor_nip == self.nip:
            raise NotPermitted(f"an employee may not {doing} their own SKP")
        if actor_nip != appraiser_nip:
            raise NotPermitted(f"only the employee's appraiser ({appraiser_nip}) may {doing} this SKP")

    def may_read(self, actor_nip: str, appraiser_nip: str | None, is_hr: bool) -> bool:
        return is_hr or actor_nip in (self.nip, appraiser_nip)

    # --- lifecycle ---------------------------------------------------------------------
    def revise(self, actor_nip: str, rhk: tuple[RencanaHasilKerja, ...]) -> None:
        """Replace the planned results of a draft or returned SKP; it becomes a draft again."""
        self._owner_only(actor_nip, "edit")
        if self.status not in EDITABLE:
            raise WrongState(f"an SKP that is {self.status} cannot be edited; only draft or returned ones")
        self.rhk, self.status = rhk, SkpStatus.DRAFT

    def submit(self, actor_nip: str) -> None:
        self._owner_only(actor_nip, "submit")
        if self.status not in EDITABLE:
            raise WrongState(f"an SKP that is {self.status} cannot be submitted; only draft or returned ones")
        self.status = SkpStatus.SUBMITTED

    def approve(self, actor_nip: str, appraiser_nip: str | None, now: datetime) -> None:
        self._appraiser_only(actor_nip, appraiser_nip, "approve")
        if self.status is not SkpStatus.SUBMITTED:
            raise WrongState(f"only a submitted SKP can be approved; this one is {self.status}")
        self.status, self.version = SkpStatus.APPROVED, (self.version or 0) + 1
        self.approved_by, self.approved_at, self.notes = actor_nip, now, None

    def return_for_revision(self, actor_nip: str, appraiser_nip: str | None, notes: str) -> None:
        self._appraiser_only(actor_nip, appraiser_nip, "return")
        if self.status is not SkpStatus.SUBMITTED:
            raise WrongState(f"only a submitted SKP can be returned; this one is {self.status}")
        if not notes.strip():
            raise InvalidInput("returning an SKP needs notes saying what to change")
        self.status, self.notes = SkpStatus.RETURNED, notes.strip()

    # --- realisation --------------------------------------------------------------------
    def indikator(self, iki_id: str) -> Indikator:
        for row in self.rhk:
            for iki in row.indikator:
                if iki.iki_id == iki_id:
                    return iki
        raise UnknownIndicator(f"IKI {iki_id} is not part of SKP {self.skp_id}")

    def check_realization(self, actor_nip: str, appraiser_nip: str | None, is_hr: bool, iki_id: str, value: float) -> Indikator:
        """A realisation is for an approved SKP, one of its IKI, a value ≥ 0, by the owner, appraiser or HR.

        (The period being open is the Period's rule: ``Period.ensure_open``.)"""
        if not self.may_read(actor_nip, appraiser_nip, is_hr):
            raise NotPermitted("only the employee, their appraiser or HR may record a realisation")
        iki = self.indikator(iki_id)
        if self.status is not SkpStatus.APPROVED:
            raise WrongState(f"realisation can only be recorded for an approved SKP; this one is {self.status}")
        if not (math.isfinite(value) and value >= 0):
            raise InvalidInput("a realisation value must be 0 or more")
        return iki
