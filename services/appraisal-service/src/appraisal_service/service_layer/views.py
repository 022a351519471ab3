"""How appraisals and objections read over HTTP."""

from kinerja_contracts.anonymity import is_anonymous
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, Predikat

from appraisal_service.domain import (
    Appraisal,
    Block,
    CalibrationReport,
    Objection,
    PerilakuResult,
    SourceEvidence,
    Status,
    objection_closes_on,
    publishable_perilaku,
)


def appraisal(a: Appraisal, *, with_explanation: bool = False) -> dict:
    """``rating_*`` and ``predikat`` are the final result (null while only proposed);
    ``proposed`` is what the policy proposed."""
    overridden = a.status is not Status.PROPOSED and (
        (a.rating_hasil_kerja, a.rating_perilaku) != (a.proposed_rating_hasil_kerja, a.proposed_rating_perilaku)
    )
    body = {
        "appraisal_id": a.appraisal_id,
        "agency_id": a.agency_id,
        "period_id": a.period_id,
        "nip": a.nip,
        "kind": a.kind,
        "checkpoint_id": a.checkpoint_id,
        "revision": a.revision,
        "status": a.status.value,
        "proposed": {
            "rating_hasil_kerja": a.proposed_rating_hasil_kerja,
            "rating_perilaku": a.proposed_rating_perilaku,
            "predikat": a.proposed_predikat,
            "proposed_at": _iso(a.proposed_at),
        },
        "rating_hasil_kerja": a.rating_hasil_kerja,
        "rating_perilaku": a.rating_perilaku,
        "predikat": a.predikat,
        "overridden": overridden,
        # Only a departure from the proposal needs (and shows) the appraiser's reason.
        "override_reason": a.confirm_reason if overridden and a.revision == 1 else None,
        "appraiser_nip": a.appraiser_nip,
        "completed_at": _iso(a.completed_at),
        "final_on": _iso(a.final_on),
        "objection_closes_on": _iso(objection_closes_on(a.final_on)) if a.final_on and a.revision == 1 else None,
        "policy_version": a.policy_version,
        "supersedes_appraisal_id": a.supersedes_appraisal_id,
        "objection_id": a.objection_id,
        "summary": a.summary,
    }
    if with_explanation:
        body["explanation"] = a.explanation
    return body


def objection(o: Objection) -> dict:
    return {
        "objection_id": o.objection_id,
        "appraisal_id": o.appraisal_id,
        "period_id": o.period_id,
        "nip": o.nip,
        "reasons": o.reasons,
        "filed_on": _iso(o.filed_on),
        "filed_at": _iso(o.filed_at),
        "superior_nip": o.superior_nip,
        "status": o.status.value,
        "decided_by": o.decided_by,
        "decision_reason": o.decision_reason,
        "decided_at": _iso(o.decided_at),
        "revised_appraisal_id": o.revised_appraisal_id,
    }


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def republished(explanation: dict | None, summary: dict) -> tuple[dict | None, dict]:
    """A row stored before the anonymity rule, its evidence redone by the rule (the 0010
    migration). The old evidence held each source's answers and mean, not their rounds: all of
    it counts as one round. A row without per-source evidence keeps only the values no one
    answered. Rows already under the rule are returned as they are."""
    if "perilaku_withheld" in summary:
        return explanation, summary
    perilaku = (explanation or {}).get("perilaku") or {}
    values = perilaku.get("values")
    if explanation is None or not values:
        kept = [p for p in summary.get("perilaku", []) if p["answers"] == 0]
        withheld = [p["value"] for p in summary.get("perilaku", []) if p["answers"] > 0]
        return explanation, {**summary, "perilaku": kept, "perilaku_withheld": withheld}
    results, tallies = [], {}
    for v in values:
        value = BerakhlakValue(v["value"])
        evidence = tuple(SourceEvidence(e["source"], e["answers"], e["mean"], e["weight"]) for e in v["evidence"])
        results.append(PerilakuResult(value, Ekspektasi(v["level"]), v["answers"], v["score"], evidence))
        tallies[value] = [
            Block(None, e.source, e.answers, round(e.mean * e.answers)) for e in evidence if is_anonymous(e.source)
        ]
    published = publishable_perilaku(results, tallies, perilaku.get("score"))
    return {**explanation, "perilaku": published.explanation()}, {**summary, **published.summary()}


def calibration_bounds(report: CalibrationReport) -> list[dict]:
    """Each bound of the organisation predikat's curve (SE MenPANRB 3/2023) with what the
    distribution makes of it: the share or number allowed, the actual one, whether it holds."""
    return [
        {
            "bound": b.bound.name,
            "predikat": [p.value for p in Predikat if p in b.bound.predikat],
            "limit": b.bound.limit,
            "percent": b.bound.percent,
            "count": b.bound.count,
            "allowed_count": b.allowed_count,
            "actual_count": b.actual_count,
            "actual_percent": b.actual_percent,
            "ok": b.ok,
        }
        for b in report.bounds
    ]
