"""How the roster, periods and SKPs are shown in HTTP answers (plain dicts, JSON-ready)."""

from target_service.domain.period import Period
from target_service.domain.roster import Employee
from target_service.domain.skp import Skp


def employee_view(e: Employee) -> dict:
    return {"nip": e.nip, "name": e.name, "position": e.position, "unit": e.unit, "appraiser_nip": e.appraiser_nip}


def period_view(p: Period) -> dict:
    return {"period_id": p.period_id, "year": p.year, "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(), "status": p.status.value,
            "closed_at": p.closed_at.isoformat() if p.closed_at else None}


def skp_view(s: Skp, realizations: list[dict]) -> dict:
    return {
        "skp_id": s.skp_id, "period_id": s.period_id, "nip": s.nip, "status": s.status.value, "version": s.version,
        "notes": s.notes, "approved_by": s.approved_by,
        "approved_at": s.approved_at.isoformat() if s.approved_at else None,
        "rhk": [
            {"rhk_id": r.rhk_id, "kind": r.kind.value, "description": r.description, "indikator": [
                {"iki_id": i.iki_id, "aspect": i.aspect.value, "description": i.description, "target": i.target,
                 "unit": i.unit, "higher_is_better": i.higher_is_better}
                for i in r.indikator
            ]}
            for r in s.rhk
        ],
        "realizations": [
            {**r, "recorded_at": r["recorded_at"].isoformat()} for r in realizations
        ],
    }
