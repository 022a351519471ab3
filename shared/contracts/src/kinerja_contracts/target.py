"""Events produced by the target service: roster, periods, SKP and realisation."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from .base import AgencyId, Description, Event, Evidence, Identifier, Name, Nip, PeriodId, Reason, ShortText, Value
from .limits import (
    CHECKPOINTS_MAX,
    IKI_PER_RHK_MAX,
    KIB,
    LEGACY_CLOSED_EMPLOYEES_MAX,
    MIB,
    RHK_PER_SKP_MAX,
)
from .vocabulary import AgencyKind, AgencyTimezone, Aspect, RhkKind


class EmployeeRegistered(Event):
    """An employee was added to (or updated in) an agency's roster."""

    event_type: ClassVar[str] = "kinerja.target.EmployeeRegistered.v1"
    topic: ClassVar[str] = "kinerja.employees"

    agency_id: AgencyId
    nip: Nip = Field(description="The employee's NIP (record key).")
    name: Name = Field(description="The employee's full name.")
    position: Name = Field(description="The employee's position (jabatan).")
    unit: Name = Field(description="The work unit (unit kerja) the employee belongs to.")
    appraiser_nip: Nip | None = Field(
        default=None,
        description="NIP of the employee's appraiser (Pejabat Penilai Kinerja), if known.",
    )
    unit_id: Identifier | None = Field(
        default=None, description="The work unit's id in the agency's organisation tree, if known."
    )


class EmployeeTransferred(Event):
    """An employee moved to another work unit, possibly in another agency."""

    event_type: ClassVar[str] = "kinerja.target.EmployeeTransferred.v1"
    topic: ClassVar[str] = "kinerja.employees"

    agency_id: AgencyId = Field(description="The agency the employee belongs to from now on.")
    nip: Nip = Field(description="The employee's NIP (record key).")
    previous_agency_id: AgencyId = Field(description="The agency the employee left (may equal agency_id).")
    previous_unit_id: Identifier | None = Field(default=None, description="The work unit the employee left.")
    unit_id: Identifier = Field(description="The work unit the employee joined.")
    unit: Name = Field(description="The name of the work unit the employee joined.")
    position: Name = Field(description="The employee's position (jabatan) after the transfer.")
    appraiser_nip: Nip | None = Field(default=None, description="The employee's appraiser after the transfer.")
    effective_on: date = Field(description="The day the transfer takes effect.")


class WorkUnitDefined(Event):
    """A work unit (unit kerja) was added to or changed in an agency's organisation tree."""

    event_type: ClassVar[str] = "kinerja.target.WorkUnitDefined.v1"
    topic: ClassVar[str] = "kinerja.organisation"
    key_field: ClassVar[str] = "unit_id"

    agency_id: AgencyId
    unit_id: Identifier = Field(description="The work unit's id (record key).")
    name: Name = Field(description="The work unit's name.")
    parent_unit_id: Identifier | None = Field(default=None, description="The parent unit; null at the root.")
    head_nip: Nip | None = Field(default=None, description="NIP of the unit's head, if known.")
    serves_public: bool = Field(
        default=False, description="True for a public-service unit that citizens can rate (SKM)."
    )


class AgencyRegistered(Event):
    """An agency of the province was registered, or its name, kind or time zone changed."""

    event_type: ClassVar[str] = "kinerja.target.AgencyRegistered.v1"
    topic: ClassVar[str] = "kinerja.organisation"
    key_field: ClassVar[str] = "agency_id"
    max_encoded_bytes: ClassVar[int] = 2 * KIB

    agency_id: AgencyId = Field(description="The agency's id (record key).")
    name: Name = Field(description="The agency's name.")
    kind: AgencyKind = Field(description="dinas, badan, kecamatan, kelurahan, puskesmas or sekolah.")
    timezone: AgencyTimezone = Field(
        description="The agency's IANA time zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
    )


class Checkpoint(Value):
    """A periodic evaluation window inside a performance period (e.g. a quarter)."""

    checkpoint_id: Identifier = Field(description="The checkpoint's id, unique within the period.")
    name: Name = Field(description='Its name, e.g. "Triwulan I".')
    starts_on: date = Field(description="First day (inclusive).")
    ends_on: date = Field(description="Last day (inclusive).")


class PerformancePeriodOpened(Event):
    """An agency opened a performance period."""

    event_type: ClassVar[str] = "kinerja.target.PerformancePeriodOpened.v1"
    topic: ClassVar[str] = "kinerja.periods"
    max_encoded_bytes: ClassVar[int] = 32 * KIB
    key_field: ClassVar[str] = "period_id"

    agency_id: AgencyId
    period_id: PeriodId = Field(description="The performance period's id (record key).")
    year: int = Field(ge=2000, le=2100, description="The performance year.")
    starts_on: date = Field(description="First day of the period (inclusive).")
    ends_on: date = Field(description="Last day of the period (inclusive).")
    checkpoints: list[Checkpoint] = Field(
        default_factory=list,
        max_length=CHECKPOINTS_MAX,
        description="The periodic evaluation windows (default: four quarters).",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> PerformancePeriodOpened:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


def _check_skp_state(skp_id: str | None, skp_version: int | None, realization_count: int) -> None:
    if (skp_id is None) != (skp_version is None):
        raise ValueError("skp_id and skp_version must both be set or both be null")
    if skp_id is None and realization_count:
        raise ValueError("realization_count must be 0 when there is no SKP")


_SKP_ID = "The employee's approved SKP in this period, or null if none."
_SKP_VERSION = "The approved SKP version in force at close, or null if none."
_REALIZATION_COUNT = (
    "How many realisation records the target service holds for this SKP at close;"
    " a consumer's projection is complete once it has seen this many distinct"
    " realization_id values in RealizationRecorded events for the SKP."
)


class PerformancePeriodClosed(Event):
    """An agency closed a performance period; appraisal may start.

    One ``EmployeePeriodClosed`` per employee on the roster follows on ``kinerja.targets``
    (keyed by NIP, after that employee's targets and realisations); ``employee_count`` says
    how many.
    """

    event_type: ClassVar[str] = "kinerja.target.PerformancePeriodClosed.v2"
    topic: ClassVar[str] = "kinerja.periods"
    key_field: ClassVar[str] = "period_id"
    max_encoded_bytes: ClassVar[int] = 4 * KIB

    agency_id: AgencyId
    period_id: PeriodId = Field(description="The performance period's id (record key).")
    year: int = Field(ge=2000, le=2100, description="The performance year.")
    closed_at: AwareDatetime = Field(description="When the period was closed.")
    employee_count: int = Field(
        ge=0,
        description=(
            "How many EmployeePeriodClosed events (one per employee on the roster at close)"
            " the close published on kinerja.targets."
        ),
    )


class EmployeePeriodClosed(Event):
    """A period closed for one employee on the roster, with the SKP state at close.

    Published in the same transaction as ``PerformancePeriodClosed`` and keyed by NIP on
    ``kinerja.targets``, so on the employee's partition it comes after every ``TargetSet``,
    ``TargetRevised`` and ``RealizationRecorded`` of that employee: a consumer that has
    applied it has seen the employee's whole year.
    """

    event_type: ClassVar[str] = "kinerja.target.EmployeePeriodClosed.v1"
    topic: ClassVar[str] = "kinerja.targets"
    max_encoded_bytes: ClassVar[int] = 4 * KIB

    agency_id: AgencyId
    period_id: PeriodId = Field(description="The performance period that closed.")
    year: int = Field(ge=2000, le=2100, description="The performance year.")
    nip: Nip = Field(description="The employee (record key).")
    closed_at: AwareDatetime = Field(description="When the period was closed.")
    skp_id: Identifier | None = Field(description=_SKP_ID)
    skp_version: int | None = Field(ge=1, description=_SKP_VERSION)
    realization_count: int = Field(ge=0, description=_REALIZATION_COUNT)

    @model_validator(mode="after")
    def _skp_consistent(self) -> EmployeePeriodClosed:
        _check_skp_state(self.skp_id, self.skp_version, self.realization_count)
        return self


class ClosedPeriodEmployee(Value):
    """One employee's SKP state when a period closed (in the legacy v1 close event)."""

    nip: Nip = Field(description="The employee's NIP.")
    skp_id: Identifier | None = Field(description=_SKP_ID)
    skp_version: int | None = Field(ge=1, description=_SKP_VERSION)
    realization_count: int = Field(ge=0, description=_REALIZATION_COUNT)

    @model_validator(mode="after")
    def _skp_consistent(self) -> ClosedPeriodEmployee:
        _check_skp_state(self.skp_id, self.skp_version, self.realization_count)
        return self


class PerformancePeriodClosedV1(Event):
    """Deprecated, no longer produced: the close listing every employee of the agency.

    It grew with the agency (over the broker's 1 MiB at ~9,000 employees) and was replaced
    by ``PerformancePeriodClosed`` v2 plus one ``EmployeePeriodClosed`` per employee (ADR
    0005). Kept so that records already on ``kinerja.periods`` still decode.
    """

    model_config = ConfigDict(title="PerformancePeriodClosed")

    event_type: ClassVar[str] = "kinerja.target.PerformancePeriodClosed.v1"
    topic: ClassVar[str] = "kinerja.periods"
    key_field: ClassVar[str] = "period_id"
    max_encoded_bytes: ClassVar[int] = MIB
    superseded_by: ClassVar[str | None] = PerformancePeriodClosed.event_type

    agency_id: AgencyId
    period_id: PeriodId = Field(description="The performance period's id (record key).")
    year: int = Field(ge=2000, le=2100, description="The performance year.")
    closed_at: AwareDatetime = Field(description="When the period was closed.")
    employees: list[ClosedPeriodEmployee] = Field(
        max_length=LEGACY_CLOSED_EMPLOYEES_MAX,
        description="Every employee on the agency's roster for the period, with their SKP state.",
    )

    @model_validator(mode="after")
    def _unique_employees(self) -> PerformancePeriodClosedV1:
        nips = [e.nip for e in self.employees]
        if len(nips) != len(set(nips)):
            raise ValueError("employees must not list the same NIP twice")
        return self


class Iki(Value):
    """An Indikator Kinerja Individu: one measurable target of an RHK."""

    iki_id: Identifier = Field(description="The indicator's id, unique within the SKP.")
    aspect: Aspect = Field(description="The aspect the indicator measures.")
    description: Description = Field(description="What is measured.")
    target: float = Field(gt=0, allow_inf_nan=False, description="The target value.")
    unit: ShortText = Field(description='Unit of the target, e.g. "dokumen", "hari", "%".')
    higher_is_better: bool = Field(
        description="True when exceeding the target is good; false for time or cost indicators."
    )


class Rhk(Value):
    """A Rencana Hasil Kerja (planned result) row of an SKP."""

    rhk_id: Identifier = Field(description="The RHK's id, unique within the SKP.")
    kind: RhkKind = Field(description="Main (utama) or extra (tambahan) result.")
    description: Description = Field(description="The planned result.")
    indikator: list[Iki] = Field(
        min_length=1, max_length=IKI_PER_RHK_MAX, description="The RHK's indicators (at least one)."
    )
    supports_rhk_id: Identifier | None = Field(
        default=None, description="Cascading: the supervisor's approved RHK this RHK supports."
    )
    iku_id: Identifier | None = Field(
        default=None, description="Cascading at the top: the agency IKU a head of agency's RHK serves."
    )


class TargetSet(Event):
    """An employee's SKP (or a new version of it) was approved."""

    event_type: ClassVar[str] = "kinerja.target.TargetSet.v1"
    topic: ClassVar[str] = "kinerja.targets"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee whose SKP this is (record key).")
    skp_id: Identifier = Field(description="The SKP's id; stable across versions.")
    version: int = Field(ge=1, description="The approved version; a later version supersedes.")
    approved_by: Nip = Field(description="NIP of the appraiser who approved this version.")
    rhk: list[Rhk] = Field(max_length=RHK_PER_SKP_MAX, description="The SKP's planned results with their indicators.")

    @model_validator(mode="after")
    def _unique_ids(self) -> TargetSet:
        rhk_ids = [r.rhk_id for r in self.rhk]
        if len(rhk_ids) != len(set(rhk_ids)):
            raise ValueError("rhk_id values must be unique within the SKP")
        iki_ids = [i.iki_id for r in self.rhk for i in r.indikator]
        if len(iki_ids) != len(set(iki_ids)):
            raise ValueError("iki_id values must be unique within the SKP")
        return self


class RealizationRecorded(Event):
    """A realisation (actual value) was recorded against an IKI."""

    event_type: ClassVar[str] = "kinerja.target.RealizationRecorded.v1"
    topic: ClassVar[str] = "kinerja.targets"

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee whose SKP this is (record key).")
    skp_id: Identifier = Field(description="The SKP the indicator belongs to.")
    iki_id: Identifier = Field(description="The indicator the value is recorded against.")
    realization_id: Identifier = Field(description="The realisation record's id.")
    value: float = Field(ge=0, allow_inf_nan=False, description="The actual value achieved.")
    evidence: Evidence | None = Field(
        default=None,
        description="Supporting evidence (bukti dukung): a link or a document id.",
    )
    recorded_at: AwareDatetime = Field(description="When the value was recorded.")
    checkpoint_id: Identifier | None = Field(
        default=None, description="The periodic checkpoint the value belongs to, if any."
    )


class TargetRevised(Event):
    """An approved SKP was changed: a new approved version supersedes the previous one,
    which stays readable."""

    event_type: ClassVar[str] = "kinerja.target.TargetRevised.v1"
    topic: ClassVar[str] = "kinerja.targets"
    max_encoded_bytes: ClassVar[int] = 512 * KIB

    agency_id: AgencyId
    period_id: PeriodId
    nip: Nip = Field(description="The employee whose SKP this is (record key).")
    skp_id: Identifier = Field(description="The SKP's id; stable across versions.")
    version: int = Field(ge=2, description="The new approved version.")
    previous_version: int = Field(ge=1, description="The version this one supersedes.")
    approved_by: Nip = Field(description="NIP of the appraiser who approved the revision.")
    reason: Reason | None = Field(default=None, description="Why the SKP was revised.")
    rhk: list[Rhk] = Field(max_length=RHK_PER_SKP_MAX, description="The revised planned results with their indicators.")

    @model_validator(mode="after")
    def _versions_in_order(self) -> TargetRevised:
        if self.previous_version >= self.version:
            raise ValueError("previous_version must be lower than version")
        return self
