"""How appraisals and objections read over HTTP."""

from kinerja_contracts.anonymity import is_anonymous
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi

from appraisal_service.domain import (
    Block,
    PerilakuResult,
    SourceEvidence,
    objection_closes_on,
    publishable_perilaku,
)


def appraisal(row, *, with_explanation: bool = False) -> dict:
    """``rating_*`` and ``predikat`` are the final result (null while only proposed);
    ``proposed`` is what the policy proposed."""
    r = row._mapping
    overridden = r["status"] != "proposed" and (
        (r["rating_hasil_kerja"], r["rating_perilaku"])
        != (r["proposed_rating_hasil_kerja"], r["proposed_rating_perilaku"])
    )
    body = {
        "appraisal_id": r["appraisal_id"],
        "agency_id": r["agency_id"],
        "period_id": r["period_id"],
        "nip": r["nip"],
        "kind": r["kind"],
        "checkpoint_id": r["checkpoint_id"],
        "revision": r["revision"],
        "status": r["status"],
        "proposed": {
            "rating_hasil_kerja": r["proposed_rating_hasil_kerja"],
            "rating_perilaku": r["proposed_rating_perilaku"],
            "predikat": r["proposed_predikat"],
            "proposed_at": _iso(r["proposed_at"]),
        },
        "rating_hasil_kerja": r["rating_hasil_kerja"],
        "rating_perilaku": r["rating_perilaku"],
        "predikat": r["predikat"],
        "overridden": overridden,
        # Only a departure from the proposal needs (and shows) the appraiser's reason.
        "override_reason": r["confirm_reason"] if overridden and r["revision"] == 1 else None,
        "appraiser_nip": r["appraiser_nip"],
        "completed_at": _iso(r["completed_at"]),
        "final_on": _iso(r["final_on"]),
        "objection_closes_on": _iso(objection_closes_on(r["final_on"]))
        if r["final_on"] and r["revision"] == 1
        else None,
        "policy_version": r["policy_version"],
        "supersedes_appraisal_id": r["supersedes_appraisal_id"],
        "objection_id": r["objection_id"],
        "summary": r["summary"],
    }
    if with_explanation:
        body["explanation"] = r["explanation"]
    return body


def objection(row) -> dict:
    r = row._mapping
    return {
        "objection_id": r["objection_id"],
        "appraisal_id": r["appraisal_id"],
        "period_id": r["period_id"],
        "nip": r["nip"],
        "reasons": r["reasons"],
        "filed_on": _iso(r["filed_on"]),
        "filed_at": _iso(r["filed_at"]),
        "superior_nip": r["superior_nip"],
        "status": r["status"],
        "decided_by": r["decided_by"],
        "decision_reason": r["decision_reason"],
        "decided_at": _iso(r["decided_at"]),
        "revised_appraisal_id": r["revised_appraisal_id"],
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
