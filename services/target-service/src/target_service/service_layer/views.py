"""How the roster, units, periods, IKU and SKPs are shown in HTTP answers (plain dicts, JSON-ready)."""

from collections.abc import Sequence

from target_service.domain.agency import Agency
from target_service.domain.iku import Iku
from target_service.domain.organisation import WorkUnit
from target_service.domain.period import Period
from target_service.domain.rhk import RencanaHasilKerja
from target_service.domain.roster import Employee
from target_service.domain.skp import Skp, SkpVersion


def agency_view(a: Agency) -> dict:
    return {
        "agency_id": a.agency_id,
        "name": a.name,
        "kind": a.kind.value,
        "timezone": a.timezone.value,
        "timezone_label": a.timezone.label,
    }


def employee_view(e: Employee) -> dict:
    return {
        "nip": e.nip,
        "name": e.name,
        "position": e.position,
        "unit": e.unit,
        "unit_id": e.unit_id,
        "appraiser_nip": e.appraiser_nip,
    }


def unit_view(u: WorkUnit) -> dict:
    return {
        "unit_id": u.unit_id,
        "name": u.name,
        "parent_unit_id": u.parent_unit_id,
        "head_nip": u.head_nip,
        "serves_public": u.serves_public,
    }


def period_view(p: Period) -> dict:
    return {
        "period_id": p.period_id,
        "year": p.year,
        "starts_on": p.starts_on.isoformat(),
        "ends_on": p.ends_on.isoformat(),
        "status": p.status.value,
        "closed_at": p.closed_at.isoformat() if p.closed_at else None,
        "checkpoints": [
            {
                "checkpoint_id": c.checkpoint_id,
                "name": c.name,
                "starts_on": c.starts_on.isoformat(),
                "ends_on": c.ends_on.isoformat(),
            }
            for c in p.checkpoints
        ],
    }


def iku_view(i: Iku) -> dict:
    return {
        "iku_id": i.iku_id,
        "period_id": i.period_id,
        "code": i.code,
        "description": i.description,
        "target": i.target,
        "unit": i.unit,
        "higher_is_better": i.higher_is_better,
    }


def link_targets_view(
    period_id: str, head_of_agency: bool, ikus: list[Iku], approved_rhk: tuple[RencanaHasilKerja, ...]
) -> dict:
    """What an RHK may link to: the period's IKU (head of agency, ``iku_id``) or the appraiser's
    approved RHK (anyone else, ``supports_rhk_id``); only what the editor needs to show a choice."""
    return {
        "period_id": period_id,
        "head_of_agency": head_of_agency,
        "iku": [{"iku_id": i.iku_id, "code": i.code, "description": i.description} for i in ikus],
        "rhk": [{"rhk_id": r.rhk_id, "kind": r.kind.value, "description": r.description} for r in approved_rhk],
    }


def rhk_view(rows: tuple[RencanaHasilKerja, ...]) -> list[dict]:
    return [
        {
            "rhk_id": r.rhk_id,
            "kind": r.kind.value,
            "description": r.description,
            "supports_rhk_id": r.supports_rhk_id,
            "iku_id": r.iku_id,
            "indikator": [
                {
                    "iki_id": i.iki_id,
                    "aspect": i.aspect.value,
                    "description": i.description,
                    "target": i.target,
                    "unit": i.unit,
                    "higher_is_better": i.higher_is_better,
                }
                for i in r.indikator
            ],
        }
        for r in rows
    ]


def version_view(s: Skp, v: SkpVersion) -> dict:
    return {
        "version": v.number,
        "status": v.status.value,
        "in_force": v is s.in_force,
        "reason": v.reason,
        "notes": v.notes,
        "approved_by": v.approved_by,
        "approved_at": v.approved_at.isoformat() if v.approved_at else None,
        "rhk": rhk_view(v.rhk),
    }


def _stamped(rows: list[dict], stamp: str) -> list[dict]:
    return [{**r, stamp: r[stamp].isoformat()} for r in rows]


def skp_view(s: Skp, realizations: list[dict], feedback: Sequence[dict] = ()) -> dict:
    """The version in force (or the first draft) at the top; a pending revision under ``revision``."""
    current, pending = s.current, s.pending_revision
    return {
        "skp_id": s.skp_id,
        "period_id": s.period_id,
        "nip": s.nip,
        "status": current.status.value,
        "version": s.version,
        "notes": current.notes,
        "approved_by": current.approved_by,
        "approved_at": current.approved_at.isoformat() if current.approved_at else None,
        "rhk": rhk_view(current.rhk),
        "revision": {k: v for k, v in version_view(s, pending).items() if k != "in_force"} if pending else None,
        "versions": [{"version": v.number, "status": v.status.value, "in_force": v is s.in_force} for v in s.versions],
        "realizations": _stamped(realizations, "recorded_at"),
        "feedback": _stamped(list(feedback), "given_at"),
    }
