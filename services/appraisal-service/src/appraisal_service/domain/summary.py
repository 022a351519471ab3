"""What an appraisal keeps of how it was reached: the summary (the contract's
``AppraisalSummary``, carried by every AppraisalCompleted and AppraisalRevised) and the
explanation (every input and rule behind the proposal, so it reads the same later).

Both are plain JSON-ready dicts built once, when the proposal is made (by the thousand in a
batch), from the publishable evidence only (anonymity.py): no view or event can show more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, RhkKind

from .inputs import Checkpoint, Target
from .policy import AppraisalPolicy
from .proposal import ProposedAppraisal
from .unit_result import UnitResult

if TYPE_CHECKING:  # anonymity.py imports appraisal.py, which imports this module
    from .anonymity import PublishedPerilaku

__all__ = ["MEMBERS_EXPLAINED", "explanation_of", "summary_of", "with_gaps"]

# Each vocabulary member's text, looked up rather than read through the enum's (slow) ``.value``.
_TEXT = {member: member.value for kind in (RhkKind, Aspect, BerakhlakValue, Ekspektasi) for member in kind}
_DI_BAWAH = Ekspektasi.DI_BAWAH.value
_UTAMA = RhkKind.UTAMA.value


def summary_of(proposed: ProposedAppraisal, perilaku: PublishedPerilaku, forms: int, citizens: float | None) -> dict:
    """The evidence as the contract's ``AppraisalSummary`` reads it, with the development gaps:
    ``weak_values`` (the values shown below expectations: a withheld value's level is nobody's
    to read, so it is no gap anyone may act on) and ``missed_utama_iki_ids`` (utama IKI not met)."""
    return {
        "indikator": [
            {
                "iki_id": r.iki_id,
                "rhk_id": r.rhk_id,
                "rhk_kind": _TEXT[r.rhk_kind],
                "aspect": _TEXT[r.aspect],
                "description": r.description,
                "target": r.target,
                "realization": r.realization,
                "capaian": r.capaian,
                "met": r.met,
            }
            for r in proposed.indikator
        ],
        **perilaku.summary(),
        "average_capaian_utama": proposed.average_capaian_utama,
        "feedback_answers": forms,
        "citizen_service_score": citizens,
        "weak_values": [_TEXT[v.value] for v in perilaku.values if not v.withheld and v.level is Ekspektasi.DI_BAWAH],
        "missed_utama_iki_ids": [r.iki_id for r in proposed.missed_indikator],
    }


def with_gaps(summary: dict) -> dict:
    """``summary`` with the development gaps, derived by the same rule from what it shows when
    it was stored before they were kept."""
    if summary.get("weak_values") is not None and summary.get("missed_utama_iki_ids") is not None:
        return summary
    return {
        **summary,
        "weak_values": [p["value"] for p in summary.get("perilaku", []) if p.get("level") == _DI_BAWAH],
        "missed_utama_iki_ids": [
            i["iki_id"] for i in summary.get("indikator", []) if i.get("rhk_kind") == _UTAMA and not i.get("met")
        ],
    }


# An agency head's unit is the whole agency (up to ~20,000 people): the explanation names the
# first members and counts them all, so a stored proposal stays small.
MEMBERS_EXPLAINED = 100


def explanation_of(
    proposed: ProposedAppraisal,
    perilaku: PublishedPerilaku,
    policy: AppraisalPolicy,
    unit: UnitResult | None,
    target: Target,
    realizations: int,
    forms: int,
    citizens: float | None,
    checkpoint: Checkpoint | None,
) -> dict:
    """Every input and rule behind the proposal (``proposed`` as made from the employee's own SKP)."""
    own_level = policy.hasil_level(proposed.average_capaian_utama)
    return {
        "policy": {"version": policy.version, "parameters": policy.parameters()},
        "inputs": {
            "skp_id": target.skp_id,
            "skp_version": target.version,
            "realizations_used": realizations,
            "feedback_forms": forms,
            "citizen_service_score": citizens,
            "checkpoint": None
            if checkpoint is None
            else {
                "checkpoint_id": checkpoint.checkpoint_id,
                "name": checkpoint.name,
                "starts_on": checkpoint.starts_on.isoformat(),
                "ends_on": checkpoint.ends_on.isoformat(),
            },
        },
        "hasil_kerja": {
            "basis": "unit" if unit else "own",
            "average_capaian_utama": proposed.average_capaian_utama,
            "level_from_average": own_level.value,
            "tambahan_lifted": proposed.tambahan_lifted,
            "unit": None
            if unit is None
            else {
                "unit_ids": list(unit.unit_ids),
                "capaian": unit.capaian,
                "level": unit.level.value,
                "member_count": len(unit.members),
                "members": [{"nip": m, "average_capaian_utama": c} for m, c in unit.members[:MEMBERS_EXPLAINED]],
            },
        },
        "perilaku": perilaku.explanation(),
    }
