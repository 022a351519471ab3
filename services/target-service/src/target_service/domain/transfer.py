"""Transfers (mutasi): an employee moves to another work unit, in the same or another agency.

The move takes effect in the roster at once; ``effective_on`` is carried for the record and
for consumers (the product keeps no future-dated roster)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from target_service.domain.errors import InvalidInput, WrongState
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


def plan_transfer(employee: Employee, *, from_agency: str, to_agency: str | None, unit: WorkUnit,
                  destination_units: Mapping[str, WorkUnit], position: str | None, appraiser_nip: str | None,
                  effective_on: date) -> Transfer:
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
        appraiser_nip = employee.appraiser_nip if same_unit else default_appraiser(employee.nip, unit, destination_units)
    moved = replace(employee, position=position, unit=unit.name, unit_id=unit.unit_id, appraiser_nip=appraiser_nip)
    if same_unit and moved == employee:
        raise WrongState(f"employee {employee.nip} is already in unit {unit.unit_id} with this position and appraiser",
                         nip=employee.nip)
    return Transfer(employee.nip, from_agency, to_agency, employee.unit_id, moved, effective_on)
