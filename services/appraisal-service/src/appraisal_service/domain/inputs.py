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


def indikator_inputs(rhk: list[dict], realized: dict[str, float]) -> list[IndikatorInput]:
    return [
        IndikatorInput(
            iki_id=iki["iki_id"],
            rhk_id=r["rhk_id"],
            rhk_kind=RhkKind(r["kind"]),
            aspect=Aspect(iki["aspect"]),
            description=iki["description"],
            target=iki["target"],
            higher_is_better=iki["higher_is_better"],
            realization=realized.get(iki["iki_id"]),
        )
        for r in rhk
        for iki in r["indikator"]
    ]
