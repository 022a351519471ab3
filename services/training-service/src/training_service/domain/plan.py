"""Deciding whether an appraisal calls for a development plan, and what goes in it.

A low predikat (Butuh Perbaikan, Kurang/Misconduct, Sangat Kurang) calls for a
development plan and close coaching (PP 30/2019; PP 11/2017 as amended). The plan
rests on the performance gaps the appraisal found: each weak BerAKHLAK value and
each missed utama IKI becomes one plan item drawn from the catalogue.

Product rule: a Baik result that still rates a BerAKHLAK value below expectations gets
a *recommended* plan (nothing in it is mandatory) addressing the same gaps, so a weak
value is worked on before it pulls the next year's predikat down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kinerja_contracts.vocabulary import (
    LOW_PREDIKAT,
    Aspect,
    BerakhlakValue,
    DevelopmentForm,
    Predikat,
)
from kinerja_runtime.refusals import WrongState

from .catalogue import (
    GENERAL_COMPETENCY,
    METHODS_BY_FORM,
    SEEDED_CATALOGUE,
    CatalogueItem,
    competency_for_aspect,
    competency_for_value,
)

__all__ = [
    "draft_from",
    "AppraisalOutcome",
    "CatalogueGap",
    "GapKind",
    "MissedIndikator",
    "PlanDecision",
    "PlanItemDraft",
    "decide_plan",
]

GapKind = Literal["perilaku", "hasil_kerja", "jp_entitlement"]


class CatalogueGap(WrongState):
    """The catalogue has no item for a competency a plan needs.

    Raised rather than skipping the gap: a plan silently missing a gap would look
    complete to the employee and to HR.
    """

    def __init__(self, competency: str) -> None:
        super().__init__(f"the catalogue has no item for competency {competency!r}", competency=competency)
        self.competency = competency


@dataclass(frozen=True, slots=True)
class MissedIndikator:
    iki_id: str
    aspect: Aspect
    description: str


@dataclass(frozen=True, slots=True)
class AppraisalOutcome:
    nip: str
    predikat: Predikat
    weak_values: tuple[BerakhlakValue, ...]
    missed_indikator: tuple[MissedIndikator, ...]


@dataclass(frozen=True, slots=True)
class PlanItemDraft:
    competency: str
    gap_kind: GapKind
    gap: str
    catalogue_code: str
    title: str
    form: DevelopmentForm
    method: str
    jp: int
    mandatory: bool = True
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlanDecision:
    """``required``: a low predikat makes the plan mandatory; ``recommended``: a plan is
    offered but nothing in it is required. Neither: no plan."""

    required: bool
    reason: str
    items: tuple[PlanItemDraft, ...]
    total_jp: int
    recommended: bool = False

    @property
    def makes_plan(self) -> bool:
        return self.required or self.recommended


# --- choosing a catalogue item ----------------------------------------------------
#
# Butuh Perbaikan means behaviour was at or above expectations and results fell
# short: the employee needs guidance on the job, so nonklasikal coaching/mentoring
# by the appraiser comes first. Kurang/Misconduct and Sangat Kurang mean behaviour
# itself was below expectations: a structured klasikal course comes first, with the
# appraiser's coaching following from the general duty of close supervision.
# Within a form, methods rank in METHODS_BY_FORM order (pelatihan before workshop
# before seminar; coaching before mentoring before e-learning ...); ties break on the
# catalogue code so the same input always yields the same plan.

_FORM_PREFERENCE: dict[Predikat, tuple[DevelopmentForm, ...]] = {
    # A recommended plan for Baik is light-touch: learning on the job first.
    Predikat.BAIK: (DevelopmentForm.NONKLASIKAL, DevelopmentForm.KLASIKAL),
    Predikat.BUTUH_PERBAIKAN: (DevelopmentForm.NONKLASIKAL, DevelopmentForm.KLASIKAL),
    Predikat.KURANG_MISCONDUCT: (DevelopmentForm.KLASIKAL, DevelopmentForm.NONKLASIKAL),
    Predikat.SANGAT_KURANG: (DevelopmentForm.KLASIKAL, DevelopmentForm.NONKLASIKAL),
}

# Which rating the matrix put below expectations for each low predikat; used to
# label the general item. Sangat Kurang has both below; results come first since the
# SKP is what the appraiser coaches against.
_GENERAL_GAP_KIND: dict[Predikat, GapKind] = {
    Predikat.BUTUH_PERBAIKAN: "hasil_kerja",
    Predikat.KURANG_MISCONDUCT: "perilaku",
    Predikat.SANGAT_KURANG: "hasil_kerja",
}


def _rank(item: CatalogueItem, forms: tuple[DevelopmentForm, ...]) -> tuple[int, int, str]:
    form = DevelopmentForm(item.form)
    return (forms.index(form), METHODS_BY_FORM[form].index(item.method), item.code)


def _best_item(
    competency: str, forms: tuple[DevelopmentForm, ...], catalogue: Sequence[CatalogueItem]
) -> CatalogueItem:
    candidates = [item for item in catalogue if item.competency == competency]
    if not candidates:
        raise CatalogueGap(competency)
    return min(candidates, key=lambda item: _rank(item, forms))


def _general_item(catalogue: Sequence[CatalogueItem]) -> CatalogueItem:
    # The spec for an unexplained low result is coaching with the appraiser,
    # whatever the predikat: only a conversation can name the missing cause.
    coaching = [item for item in catalogue if item.competency == GENERAL_COMPETENCY and item.method == "coaching"]
    if not coaching:
        raise CatalogueGap(GENERAL_COMPETENCY)
    return min(coaching, key=lambda item: item.code)


def _draft(item: CatalogueItem, gap_kind: GapKind, gap: str, mandatory: bool = True) -> PlanItemDraft:
    return PlanItemDraft(
        competency=item.competency,
        gap_kind=gap_kind,
        gap=gap,
        catalogue_code=item.code,
        title=item.title,
        form=DevelopmentForm(item.form),
        method=item.method,
        jp=item.jp,
        mandatory=mandatory,
    )


def draft_from(item: CatalogueItem, gap_kind: GapKind, gap: str, mandatory: bool) -> PlanItemDraft:
    """A plan item for ``item``; used by the JP top-up, which picks its own items."""
    return _draft(item, gap_kind, gap, mandatory)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def decide_plan(outcome: AppraisalOutcome, catalogue: Sequence[CatalogueItem] = SEEDED_CATALOGUE) -> PlanDecision:
    """Decide whether ``outcome`` needs a development plan and draft its items."""
    predikat = Predikat(outcome.predikat)
    # Duplicates in the input would only repeat an item; keep the first occurrence.
    weak_values = tuple(dict.fromkeys(BerakhlakValue(v) for v in outcome.weak_values))
    recommend = predikat is Predikat.BAIK and bool(weak_values)
    if predikat not in LOW_PREDIKAT and not recommend:
        return PlanDecision(
            required=False,
            reason=f"Predikat {predikat.label} is not a low result and no value is below expectations, "
            "so no development plan is made.",
            items=(),
            total_jp=0,
        )

    forms = _FORM_PREFERENCE[predikat]
    missed_by_id: dict[str, MissedIndikator] = {}
    for indikator in outcome.missed_indikator:
        missed_by_id.setdefault(indikator.iki_id, indikator)
    missed = tuple(missed_by_id.values())

    items: list[PlanItemDraft] = []
    for value in weak_values:
        item = _best_item(competency_for_value(value), forms, catalogue)
        items.append(_draft(item, "perilaku", value.value, mandatory=not recommend))
    for indikator in missed:
        aspect = Aspect(indikator.aspect)
        item = _best_item(competency_for_aspect(aspect), forms, catalogue)
        items.append(_draft(item, "hasil_kerja", indikator.iki_id, mandatory=not recommend))

    if recommend:
        return PlanDecision(
            required=False,
            recommended=True,
            reason=(
                f"Predikat {predikat.label} needs no plan, but {_plural(len(weak_values), 'value')} "
                "rated below expectations, so a development plan is recommended."
            ),
            items=tuple(items),
            total_jp=sum(i.jp for i in items),
        )
    if items:
        reason = (
            f"Predikat {predikat.label} is a low result, so a development plan is required; "
            f"it addresses {_plural(len(weak_values), 'weak value')} and "
            f"{_plural(len(missed), 'missed indicator')}."
        )
    else:
        item = _general_item(catalogue)
        # No value or indicator to name: the gap is the low predikat itself.
        items.append(_draft(item, _GENERAL_GAP_KIND[predikat], f"predikat:{predikat.value}"))
        reason = (
            f"Predikat {predikat.label} is a low result, so a development plan is required; "
            "the appraisal names no specific gap, so it starts with coaching by the appraiser."
        )

    return PlanDecision(
        required=True,
        reason=reason,
        items=tuple(items),
        total_jp=sum(i.jp for i in items),
    )
