"""The agency roster: checking imported employee rows and telling new, changed and unchanged apart."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kinerja_contracts.limits import NAME_MAX
from kinerja_runtime.refusals import InvalidInput

from target_service.domain.nip import check_nip

MAX_TEXT = NAME_MAX  # the contract's bound on names in EmployeeRegistered


@dataclass(frozen=True)
class Employee:
    nip: str
    name: str
    position: str
    unit: str
    appraiser_nip: str | None = None
    unit_id: str | None = None


@dataclass(frozen=True)
class Owner:
    """An SKP's owner with what cascading needs to know about them (domain.organisation.heads_agency)."""

    employee: Employee
    appraiser_on_roster: bool
    heads_root_unit: bool


class Change(StrEnum):
    REGISTERED = "registered"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _text(label: str, value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(f"{label} is required")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{label} is longer than {MAX_TEXT} characters")
    return text


def _unit(row: dict, units: Mapping[str, str]) -> tuple[str, str | None]:
    """(unit name, unit id): a given unit_id must be a unit of the agency and then names the unit,
    so the roster and the organisation tree cannot disagree; otherwise the plain ``unit`` text."""
    unit_id = (row.get("unit_id") or "").strip() or None
    if unit_id is None:
        return _text("unit", row.get("unit")), None
    if unit_id not in units:
        raise InvalidInput(f"unit_id {unit_id} is not a work unit of this agency")
    return units[unit_id], unit_id


def employee_from_row(row: dict, units: Mapping[str, str] | None = None) -> Employee:
    """Build an Employee from an imported row (CSV or JSON); raise InvalidInput with the reason.

    ``units`` maps the agency's unit ids to their names."""
    nip = check_nip((row.get("nip") or "").strip())
    appraiser = (row.get("appraiser_nip") or "").strip() or None
    if appraiser is not None:
        try:
            check_nip(appraiser)
        except InvalidInput as exc:
            raise InvalidInput(f"appraiser_nip: {exc}") from None
        if appraiser == nip:
            raise InvalidInput("an employee cannot be their own appraiser")
    name, position = _text("name", row.get("name")), _text("position", row.get("position"))
    unit, unit_id = _unit(row, units or {})
    return Employee(nip=nip, name=name, position=position, unit=unit, appraiser_nip=appraiser, unit_id=unit_id)


def may_read_record(reader_nip: str, reader_is_hr: bool, nip: str, appraiser_nip: str | None) -> bool:
    """Who reads an employee's personal record (roster entry, SKPs with their realisations and
    feedback notes): the employee, HR, and the appraiser the roster names *now*. Access follows
    the current roster, not history: a former appraiser reads nothing of someone who moved on."""
    return reader_is_hr or reader_nip in (nip, appraiser_nip)


def change_of(incoming: Employee, existing: Employee | None) -> Change:
    if existing is None:
        return Change.REGISTERED
    return Change.UNCHANGED if incoming == existing else Change.UPDATED


@dataclass(frozen=True)
class RowError:
    line: int
    nip: str | None
    reason: str


@dataclass
class ImportPlan:
    """Which rows register or update an employee, which change nothing and which are refused."""

    changes: list[tuple[Employee, Change]]
    errors: list[RowError]

    def count(self, change: Change) -> int:
        return sum(1 for _, c in self.changes if c is change)


def plan_import(
    rows: list[tuple[int, dict]],
    existing: dict[str, Employee],
    unreadable: Sequence[RowError] = (),
    units: Mapping[str, str] | None = None,
) -> ImportPlan:
    """``rows`` are (line number, fields); a NIP repeated within one import is refused after its first line.

    ``unreadable`` are lines the reader could not even split into fields; they join the errors."""
    changes: list[tuple[Employee, Change]] = []
    errors: list[RowError] = list(unreadable)
    first_line: dict[str, int] = {}
    for line, row in rows:
        raw_nip = row.get("nip") if isinstance(row.get("nip"), str) else None
        try:
            employee = employee_from_row(row, units)
        except InvalidInput as exc:
            errors.append(RowError(line, raw_nip, str(exc)))
            continue
        if employee.nip in first_line:
            errors.append(RowError(line, employee.nip, f"NIP repeated; first given on line {first_line[employee.nip]}"))
            continue
        first_line[employee.nip] = line
        changes.append((employee, change_of(employee, existing.get(employee.nip))))
    return ImportPlan(changes, sorted(errors, key=lambda e: e.line))
