"""Cascading (Matriks Peran Hasil): every RHK utama says what it serves.

A head of agency's RHK names an IKU of the period (``iku_id``); anyone else's names an RHK of
their appraiser's *approved* SKP version (``supports_rhk_id``). A link may be left out while
drafting, but a link that is given must hold, and a version is only submitted or approved
with every RHK utama linked. RHK tambahan may stay unlinked (extra work need not cascade)."""

from collections.abc import Mapping
from dataclasses import dataclass

from kinerja_contracts.vocabulary import RhkKind
from kinerja_runtime.refusals import InvalidInput

from target_service.domain.iku import Iku
from target_service.domain.rhk import RencanaHasilKerja
from target_service.domain.roster import may_read_record
from target_service.domain.skp import Skp, SkpVersion


class BrokenLink(InvalidInput):
    """An RHK's cascading link is missing or points at nothing approved; details name the RHK and link."""


@dataclass(frozen=True)
class LinkTargets:
    """What one employee's RHK may link to."""

    head_of_agency: bool
    iku_ids: frozenset[str] = frozenset()
    approved_rhk_ids: frozenset[str] = frozenset()  # the appraiser's version in force


def _broken(n: int, r: RencanaHasilKerja, reason: str, **link) -> BrokenLink:
    return BrokenLink(
        f"RHK {n} ({r.description}): {reason}",
        rhk={"position": n, "rhk_id": r.rhk_id, "description": r.description},
        link=link,
    )


def check_links(rhk: tuple[RencanaHasilKerja, ...], targets: LinkTargets, complete: bool) -> None:
    """Raise BrokenLink for the first RHK whose link does not hold (``complete``: utama must be linked).

    The appraiser's drafts are theirs: a link to one is refused exactly like a link to nothing,
    so an employee cannot probe what their appraiser is drafting."""
    for n, r in enumerate(rhk, start=1):
        required = complete and r.kind is RhkKind.UTAMA
        if targets.head_of_agency:
            if r.supports_rhk_id:
                raise _broken(
                    n,
                    r,
                    "the head of agency's RHK serves an IKU (iku_id), not another RHK",
                    supports_rhk_id=r.supports_rhk_id,
                )
            if r.iku_id and r.iku_id not in targets.iku_ids:
                raise _broken(n, r, "iku_id is not an IKU of this period", iku_id=r.iku_id)
            if required and not r.iku_id:
                raise _broken(n, r, "the head of agency's RHK utama must name the IKU it serves (iku_id)", iku_id=None)
            continue
        if r.iku_id:
            raise _broken(
                n,
                r,
                "only the head of agency's RHK names an IKU; name the appraiser's RHK it supports (supports_rhk_id)",
                iku_id=r.iku_id,
            )
        if r.supports_rhk_id and r.supports_rhk_id not in targets.approved_rhk_ids:
            raise _broken(
                n,
                r,
                "supports_rhk_id does not exist in the appraiser's approved SKP",
                supports_rhk_id=r.supports_rhk_id,
            )
        if required and not r.supports_rhk_id:
            raise _broken(
                n,
                r,
                "an RHK utama must name the approved RHK of the appraiser it supports (supports_rhk_id)",
                supports_rhk_id=None,
            )


# --- who sees which plans in the cascade ------------------------------------------------------
def reporting_line(nip: str, appraisers: Mapping[str, str | None]) -> frozenset[str]:
    """The employee, the appraisers above them (their appraiser's appraiser, … up to the head of
    agency) and everyone below them (whom they appraise, directly or through others), as the
    roster says now. ``appraisers`` maps each NIP on the roster to their appraiser's NIP."""
    above: set[str] = set()
    step = appraisers.get(nip)
    while step is not None and step != nip and step not in above:  # a loop in the roster is cut
        above.add(step)
        step = appraisers.get(step)
    reports: dict[str, list[str]] = {}
    for employee, appraiser in appraisers.items():
        if appraiser is not None:
            reports.setdefault(appraiser, []).append(employee)
    below: set[str] = set()
    todo = [nip]
    while todo:
        for employee in reports.get(todo.pop(), ()):
            if employee != nip and employee not in below:
                below.add(employee)
                todo.append(employee)
    return frozenset({nip, *above, *below})


@dataclass(frozen=True)
class CascadeReader:
    """Who reads the cascade, and what they may see of each SKP in it.

    HR sees every plan. Anyone else sees the approved plans (the version in force) of their own
    reporting line: the plans theirs serves and the plans that serve theirs, never a colleague's
    beside them. A plan not yet approved (a draft, submitted or returned first version) is seen
    only by its owner, the owner's appraiser and HR: the readers of the owner's record."""

    nip: str
    is_hr: bool
    line: frozenset[str] = frozenset()

    def version_shown(self, skp: Skp, appraiser_nip: str | None) -> SkpVersion | None:
        """The version of ``skp`` this reader sees in the cascade, or None to leave it out."""
        if may_read_record(self.nip, self.is_hr, skp.nip, appraiser_nip):
            return skp.current
        return skp.in_force if skp.nip in self.line else None


@dataclass(frozen=True)
class CascadeRow:
    """One RHK in the period's plans, with whose SKP it is."""

    rhk_id: str
    kind: str
    description: str
    supports_rhk_id: str | None
    iku_id: str | None
    nip: str
    name: str | None
    skp_id: str
    skp_status: str
    skp_version: int | None


def cascade_tree(iku: Iku, rows: list[CascadeRow]) -> dict:
    """The IKU → the RHK that serve it → the RHK that support those … as nested JSON."""
    supported_by: dict[str, list[CascadeRow]] = {}
    for row in rows:
        if row.supports_rhk_id:
            supported_by.setdefault(row.supports_rhk_id, []).append(row)

    def node(row: CascadeRow, path: frozenset[str]) -> dict:
        below = [c for c in supported_by.get(row.rhk_id, []) if c.rhk_id not in path]  # a loop is cut, not followed
        return {
            "rhk_id": row.rhk_id,
            "kind": row.kind,
            "description": row.description,
            "nip": row.nip,
            "name": row.name,
            "skp_id": row.skp_id,
            "skp_status": row.skp_status,
            "skp_version": row.skp_version,
            "supported_by": [node(c, path | {c.rhk_id}) for c in sorted(below, key=lambda c: (c.nip, c.rhk_id))],
        }

    top = sorted((r for r in rows if r.iku_id == iku.iku_id), key=lambda r: (r.nip, r.rhk_id))
    return {
        "iku_id": iku.iku_id,
        "code": iku.code,
        "description": iku.description,
        "target": iku.target,
        "unit": iku.unit,
        "higher_is_better": iku.higher_is_better,
        "rhk": [node(r, frozenset({r.rhk_id})) for r in top],
    }
