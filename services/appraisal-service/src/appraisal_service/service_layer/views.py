"""How appraisals and objections read over HTTP."""

from appraisal_service.domain import objection_closes_on


def appraisal(row, *, with_explanation: bool = False) -> dict:
    """``rating_*`` and ``predikat`` are the final result (null while only proposed);
    ``proposed`` is what the policy proposed."""
    r = row._mapping
    overridden = r["status"] != "proposed" and (
        (r["rating_hasil_kerja"], r["rating_perilaku"])
        != (r["proposed_rating_hasil_kerja"], r["proposed_rating_perilaku"])
    )
    body = {
        "appraisal_id": r["appraisal_id"], "agency_id": r["agency_id"], "period_id": r["period_id"], "nip": r["nip"],
        "kind": r["kind"], "checkpoint_id": r["checkpoint_id"], "revision": r["revision"], "status": r["status"],
        "proposed": {
            "rating_hasil_kerja": r["proposed_rating_hasil_kerja"], "rating_perilaku": r["proposed_rating_perilaku"],
            "predikat": r["proposed_predikat"], "proposed_at": _iso(r["proposed_at"]),
        },
        "rating_hasil_kerja": r["rating_hasil_kerja"], "rating_perilaku": r["rating_perilaku"],
        "predikat": r["predikat"],
        "overridden": overridden,
        # Only a departure from the proposal needs (and shows) the appraiser's reason.
        "override_reason": r["confirm_reason"] if overridden and r["revision"] == 1 else None,
        "appraiser_nip": r["appraiser_nip"], "completed_at": _iso(r["completed_at"]),
        "final_on": _iso(r["final_on"]),
        "objection_closes_on": _iso(objection_closes_on(r["final_on"])) if r["final_on"] and r["revision"] == 1 else None,
        "policy_version": r["policy_version"],
        "supersedes_appraisal_id": r["supersedes_appraisal_id"], "objection_id": r["objection_id"],
        "summary": r["summary"],
    }
    if with_explanation:
        body["explanation"] = r["explanation"]
    return body


def objection(row) -> dict:
    r = row._mapping
    return {
        "objection_id": r["objection_id"], "appraisal_id": r["appraisal_id"], "period_id": r["period_id"],
        "nip": r["nip"], "reasons": r["reasons"], "filed_on": _iso(r["filed_on"]), "filed_at": _iso(r["filed_at"]),
        "superior_nip": r["superior_nip"], "status": r["status"], "decided_by": r["decided_by"],
        "decision_reason": r["decision_reason"], "decided_at": _iso(r["decided_at"]),
        "revised_appraisal_id": r["revised_appraisal_id"],
    }


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


ANONYMOUS_SOURCES = ("peer", "subordinate")
ANONYMITY_THRESHOLD = 3


def redacted_for_the_employee(explanation: dict | None) -> dict | None:
    """The appraised employee sees peer and subordinate evidence only from 3 answers of that
    source on, so that no single colleague's answer can be read back (product rule)."""
    if not explanation or "perilaku" not in explanation:
        return explanation
    values = []
    for value in explanation["perilaku"]["values"]:
        evidence = [
            {**e, "mean": None, "hidden": f"fewer than {ANONYMITY_THRESHOLD} answers"}
            if e["source"] in ANONYMOUS_SOURCES and e["answers"] < ANONYMITY_THRESHOLD else e
            for e in value.get("evidence", [])
        ]
        values.append({**value, "evidence": evidence})
    return {**explanation, "perilaku": {**explanation["perilaku"], "values": values}}
