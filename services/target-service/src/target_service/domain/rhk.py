"""Planned results (RHK) and their indicators (IKI): checking a plan and giving it ids.

An RHK or IKI kept from the version in force keeps its id in a revision, so that
subordinates' cascading links and recorded realisations stay attached to it."""

import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.refusals import InvalidInput

LOWER_IS_BETTER = frozenset({Aspect.WAKTU, Aspect.BIAYA})


@dataclass(frozen=True)
class Indikator:
    """An IKI: one measurable target of an RHK."""

    iki_id: str
    aspect: Aspect
    description: str
    target: float
    unit: str
    higher_is_better: bool


@dataclass(frozen=True)
class RencanaHasilKerja:
    """An RHK row: a planned result, utama or tambahan, and what it serves (cascading)."""

    rhk_id: str
    kind: RhkKind
    description: str
    indikator: tuple[Indikator, ...]
    supports_rhk_id: str | None = None
    iku_id: str | None = None


@dataclass(frozen=True)
class IndikatorDraft:
    aspect: Aspect
    description: str
    target: float
    unit: str
    higher_is_better: bool | None = None
    iki_id: str | None = None


@dataclass(frozen=True)
class RhkDraft:
    kind: RhkKind
    description: str
    indikator: tuple[IndikatorDraft, ...]
    supports_rhk_id: str | None = None
    iku_id: str | None = None
    rhk_id: str | None = None


def default_higher_is_better(aspect: Aspect) -> bool:
    """Time and cost indicators are lower-is-better; quantity and quality higher-is-better."""
    return Aspect(aspect) not in LOWER_IS_BETTER


def _kept_id(given: str | None, allowed: Mapping[str, object], used: set[str], what: str) -> str | None:
    if given is None:
        return None
    if given not in allowed:
        raise InvalidInput(f"{what}: {given} is not one of this SKP's ids that can be kept")
    if given in used:
        raise InvalidInput(f"{what}: {given} is given twice")
    used.add(given)
    return given


def plan_rhk(
    drafts: list[RhkDraft],
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    keep: tuple[RencanaHasilKerja, ...] = (),
) -> tuple[RencanaHasilKerja, ...]:
    """Check the planned results and give every RHK and IKI its id (a kept one from ``keep`` or a new one)."""
    if not any(RhkKind(d.kind) is RhkKind.UTAMA for d in drafts):
        raise InvalidInput("an SKP needs at least one RHK utama")
    known_rhk = {r.rhk_id: r for r in keep}
    used: set[str] = set()
    rows = []
    for n, draft in enumerate(drafts, start=1):
        if not draft.description.strip():
            raise InvalidInput(f"RHK {n} needs a description")
        if not draft.indikator:
            raise InvalidInput(f"RHK {n} ({draft.description}) needs at least one IKI")
        rhk_id = _kept_id(draft.rhk_id, known_rhk, used, f"RHK {n} rhk_id")
        known_iki = {i.iki_id: i for i in known_rhk[rhk_id].indikator} if rhk_id else {}
        indikator = []
        for m, iki in enumerate(draft.indikator, start=1):
            if not (math.isfinite(iki.target) and iki.target > 0):
                raise InvalidInput(f"RHK {n}, IKI {m}: the target must be greater than 0")
            if not iki.description.strip() or not iki.unit.strip():
                raise InvalidInput(f"RHK {n}, IKI {m}: description and unit are required")
            iki_id = _kept_id(iki.iki_id, known_iki, used, f"RHK {n}, IKI {m} iki_id")
            better = default_higher_is_better(iki.aspect) if iki.higher_is_better is None else iki.higher_is_better
            indikator.append(
                Indikator(
                    iki_id or new_id(),
                    Aspect(iki.aspect),
                    iki.description.strip(),
                    float(iki.target),
                    iki.unit.strip(),
                    better,
                )
            )
        rows.append(
            RencanaHasilKerja(
                rhk_id or new_id(),
                RhkKind(draft.kind),
                draft.description.strip(),
                tuple(indikator),
                draft.supports_rhk_id or None,
                draft.iku_id or None,
            )
        )
    return tuple(rows)
