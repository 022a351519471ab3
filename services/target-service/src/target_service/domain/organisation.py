"""The agency's organisation: one tree of work units (unit kerja), each possibly headed by someone.

Who is the *head of agency* (kepala instansi / kepala dinas)? The product decides: the employee
who heads the root unit (its ``head_nip``); and, when the tree does not say so, an employee whose
appraiser is not on the agency's roster (their Pejabat Penilai is outside the agency, e.g. the
Sekda). The head of agency's RHK utama serve the agency IKU; everyone else's serve their
appraiser's approved RHK.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from kinerja_contracts.limits import NAME_MAX
from kinerja_runtime.refusals import InvalidInput

from target_service.domain.nip import check_nip

MAX_NAME = NAME_MAX  # the contract's bound on WorkUnitDefined.name


@dataclass(frozen=True)
class WorkUnit:
    unit_id: str
    name: str
    parent_unit_id: str | None = None
    head_nip: str | None = None
    serves_public: bool = False


def check_unit(unit: WorkUnit, existing: Mapping[str, WorkUnit]) -> WorkUnit:
    """A unit (new or changed) that keeps the agency's units one tree; else InvalidInput saying why."""
    name = unit.name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"a work unit needs a name of 1 to {MAX_NAME} characters", unit_id=unit.unit_id)
    if unit.head_nip is not None:
        try:
            check_nip(unit.head_nip)
        except InvalidInput as exc:
            raise InvalidInput(f"head_nip: {exc}", unit_id=unit.unit_id) from None
    parent = unit.parent_unit_id
    if parent is None:
        other_root = next(
            (u for u in existing.values() if u.parent_unit_id is None and u.unit_id != unit.unit_id), None
        )
        if other_root is not None:
            raise InvalidInput(
                f"the agency already has its root unit {other_root.unit_id} ({other_root.name}); give parent_unit_id",
                unit_id=unit.unit_id,
            )
    else:
        if parent not in existing:
            raise InvalidInput(f"parent_unit_id {parent} is not a work unit of this agency", unit_id=unit.unit_id)
        # Walking up from the new parent must never come back to this unit, or the tree becomes a loop.
        seen: set[str] = set()
        step: str | None = parent
        while step is not None and step not in seen:
            if step == unit.unit_id:
                raise InvalidInput(f"unit {unit.unit_id} cannot sit below itself (via {parent})", unit_id=unit.unit_id)
            seen.add(step)
            step = existing[step].parent_unit_id if step in existing else None
    return WorkUnit(unit.unit_id, name, parent, unit.head_nip, unit.serves_public)


def unit_tree(units: Mapping[str, WorkUnit]) -> list[dict]:
    """The units as nested JSON, roots first; a unit whose parent is missing is shown as a root."""
    children: dict[str | None, list[WorkUnit]] = {}
    for u in units.values():
        parent = u.parent_unit_id if u.parent_unit_id in units else None
        children.setdefault(parent, []).append(u)

    def node(u: WorkUnit, path: frozenset[str]) -> dict:
        below = sorted(children.get(u.unit_id, []), key=lambda c: c.name)
        return {
            "unit_id": u.unit_id,
            "name": u.name,
            "parent_unit_id": u.parent_unit_id,
            "head_nip": u.head_nip,
            "serves_public": u.serves_public,
            "units": [node(c, path | {c.unit_id}) for c in below if c.unit_id not in path],
        }

    return [node(u, frozenset({u.unit_id})) for u in sorted(children.get(None, []), key=lambda c: c.name)]


def is_head_of_agency(
    nip: str, appraiser_nip: str | None, roster_nips: set[str] | frozenset[str], units: Mapping[str, WorkUnit]
) -> bool:
    """See the module docstring for why these two rules."""
    heads_root = any(u.parent_unit_id is None and u.head_nip == nip for u in units.values())
    return heads_agency(heads_root, appraiser_nip, appraiser_nip in roster_nips)


def heads_agency(heads_root_unit: bool, appraiser_nip: str | None, appraiser_on_roster: bool) -> bool:
    """:func:`is_head_of_agency` from the two facts it needs, as one query can tell them for one
    employee (without reading the agency's units and roster)."""
    return heads_root_unit or appraiser_nip is None or not appraiser_on_roster


def default_appraiser(nip: str, unit: WorkUnit, units: Mapping[str, WorkUnit]) -> str | None:
    """Who appraises someone joining ``unit``: its head, or for the head themself the parent unit's head."""
    if unit.head_nip and unit.head_nip != nip:
        return unit.head_nip
    parent = units.get(unit.parent_unit_id) if unit.parent_unit_id else None
    return parent.head_nip if parent and parent.head_nip != nip else None
