"""What a proposal is made from, as the projections hold it: an employee's approved SKP in
force, its realisations, the 360° answers and citizens' score, and the checkpoint a periodic
appraisal is narrowed to (None: the whole year)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kinerja_contracts.vocabulary import Aspect, RhkKind

from .proposal import FeedbackAnswer, IndikatorInput

__all__ = ["Checkpoint", "Evidence", "Key", "Realized", "Target", "checkpoint_in", "indikator_inputs"]

Key = tuple[str, str, str]
"""(agency_id, period_id, nip): one employee's year."""


@dataclass(frozen=True)
class Checkpoint:
    checkpoint_id: str
    name: str
    starts_on: date
    ends_on: date


def checkpoint_in(checkpoints: Iterable[dict], checkpoint_id: str) -> Checkpoint | None:
    """The checkpoint ``checkpoint_id`` among a period's (as the roster keeps them), or None."""
    for item in checkpoints:
        if item["checkpoint_id"] == checkpoint_id:
            return Checkpoint(
                item["checkpoint_id"],
                item["name"],
                date.fromisoformat(item["starts_on"]),
                date.fromisoformat(item["ends_on"]),
            )
    return None


@dataclass(frozen=True)
class Target:
    """The SKP version in force: its RHK as the event carried them (JSON-ready dicts)."""

    agency_id: str
    period_id: str
    nip: str
    skp_id: str
    version: int
    rhk: list


@dataclass
class Realized:
    """An SKP's realisations: the latest value per IKI and how many were recorded."""

    latest: dict[str, float] = field(default_factory=dict)
    count: int = 0


@dataclass
class Evidence:
    """One employee's 360 answers (as many forms) and citizens' score, of the year or a checkpoint."""

    answers: list[FeedbackAnswer] = field(default_factory=list)
    forms: int = 0
    citizen_score: float | None = None


# Vocabulary members by their text: a dict lookup, not the enum's (slow) call, for the texts
# stored; anything else still goes through the enum, which refuses it as before.
_KINDS = {k.value: k for k in RhkKind}
_ASPECTS = {a.value: a for a in Aspect}


def indikator_inputs(rhk: list[dict], realized: dict[str, float]) -> list[IndikatorInput]:
    return [
        IndikatorInput(
            iki["iki_id"],
            r["rhk_id"],
            _KINDS.get(r["kind"]) or RhkKind(r["kind"]),
            _ASPECTS.get(iki["aspect"]) or Aspect(iki["aspect"]),
            iki["description"],
            iki["target"],
            iki["higher_is_better"],
            realized.get(iki["iki_id"]),
        )
        for r in rhk
        for iki in r["indikator"]
    ]
