"""Transfers (mutasi): an employee moves to another work unit, in the same or another agency.

Within an agency its HR moves the employee at once. Between agencies the sending HR only asks
(:class:`TransferRequest`); the receiving agency's HR accepts, choosing the unit, or declines.
The sender never learns anything of the receiving agency beyond its answer: not its units, not
its heads, not whether a NIP is on its roster. A move takes effect in the roster when it is made
(or accepted); ``effective_on`` is carried for the record and for consumers (the product keeps
no future-dated roster)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState

from target_service.domain.nip import check_nip
from target_service.domain.organisation import WorkUnit, default_appraiser
from target_service.domain.roster import MAX_TEXT, Employee


@dataclass(frozen=True)
class Transfer:
    nip: str
    from_agency: str
    to_agency: str
    previous_unit_id: str | None
    moved: Employee
    effective_on: date

    @property
    def between_agencies(self) -> bool:
        return self.from_agency != self.to_agency


def plan_transfer(
    employee: Employee,
    *,
    from_agency: str,
    to_agency: str | None,
    unit: WorkUnit,
    destination_units: Mapping[str, WorkUnit],
    position: str | None,
    appraiser_nip: str | None,
    effective_on: date,
) -> Transfer:
    """The employee as they will be after the move; refuses a move that changes nothing."""
    to_agency = to_agency or from_agency
    position = (position or "").strip() or employee.position
    if len(position) > MAX_TEXT:
        raise InvalidInput(f"position is longer than {MAX_TEXT} characters")
    if appraiser_nip is not None:
        try:
            check_nip(appraiser_nip)
        except InvalidInput as exc:
            raise InvalidInput(f"appraiser_nip: {exc}") from None
        if appraiser_nip == employee.nip:
            raise InvalidInput("an employee cannot be their own appraiser")
    same_unit = to_agency == from_agency and unit.unit_id == employee.unit_id
    if appraiser_nip is None:
        # Staying in the unit keeps the appraiser; joining a unit means answering to its head.
        appraiser_nip = (
            employee.appraiser_nip if same_unit else default_appraiser(employee.nip, unit, destination_units)
        )
    moved = replace(employee, position=position, unit=unit.name, unit_id=unit.unit_id, appraiser_nip=appraiser_nip)
    if same_unit and moved == employee:
        raise WrongState("the employee is already in this unit with this position and appraiser")
    return Transfer(employee.nip, from_agency, to_agency, employee.unit_id, moved, effective_on)


# --- between agencies: a request the receiving agency accepts ---------------------------------
class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@dataclass
class TransferRequest:
    """The sending agency's request to move one of its employees into another agency.

    ``name`` and ``position`` are the employee's as the sender had them (what the receiving HR
    needs to decide); ``proposed_*`` are the sender's suggestions, which the receiver may
    overrule and which are never checked against the receiving agency's data."""

    request_id: str
    nip: str
    name: str
    position: str
    from_agency: str
    to_agency: str
    effective_on: date
    requested_by: str
    requested_at: datetime
    proposed_unit_id: str | None = None
    proposed_position: str | None = None
    status: RequestStatus = RequestStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None  # the receiver's, when declining

    def concerns(self, agency: str) -> bool:
        """Only the two agencies' HR know the request exists."""
        return agency in (self.from_agency, self.to_agency)

    def _decide(self, status: RequestStatus, by: str, now: datetime) -> None:
        if self.status is not RequestStatus.PENDING:
            raise WrongState(f"the transfer request is already {self.status}")
        self.status, self.decided_by, self.decided_at = status, by, now

    def accept(self, agency: str, by: str, now: datetime) -> None:
        if agency != self.to_agency:
            raise NotPermitted("only the receiving agency's HR may accept a transfer request")
        self._decide(RequestStatus.ACCEPTED, by, now)

    def decline(self, agency: str, by: str, now: datetime, reason: str | None) -> None:
        if agency != self.to_agency:
            raise NotPermitted("only the receiving agency's HR may decline a transfer request")
        reason = (reason or "").strip() or None
        if reason is not None and len(reason) > MAX_TEXT:
            raise InvalidInput(f"reason is longer than {MAX_TEXT} characters", field="reason")
        self._decide(RequestStatus.DECLINED, by, now)
        self.reason = reason

    def withdraw(self, agency: str, by: str, now: datetime) -> None:
        if agency != self.from_agency:
            raise NotPermitted("only the sending agency's HR may withdraw a transfer request")
        self._decide(RequestStatus.WITHDRAWN, by, now)


def ask_transfer(
    request_id: str,
    employee: Employee,
    *,
    from_agency: str,
    to_agency: str,
    requested_by: str,
    requested_at: datetime,
    effective_on: date,
    proposed_unit_id: str | None,
    proposed_position: str | None,
    appraiser_nip: str | None,
) -> TransferRequest:
    """A pending request to move ``employee`` from ``from_agency`` into ``to_agency``."""
    if to_agency == from_agency:
        raise InvalidInput("a transfer request is for a move to another agency", field="to_agency_id")
    if appraiser_nip is not None:
        # The receiving agency's own structure decides who appraises its staff, never the sender.
        raise InvalidInput("appraiser_nip cannot be set for a transfer to another agency", field="appraiser_nip")
    proposed_position = (proposed_position or "").strip() or None
    if proposed_position is not None and len(proposed_position) > MAX_TEXT:
        raise InvalidInput(f"position is longer than {MAX_TEXT} characters", field="position")
    return TransferRequest(
        request_id,
        employee.nip,
        employee.name,
        employee.position,
        from_agency,
        to_agency,
        effective_on,
        requested_by,
        requested_at,
        (proposed_unit_id or "").strip() or None,
        proposed_position,
    )
