"""Proposing an appraisal from the year's data.

The appraiser decides both ratings (PermenPANRB 6/2022); this module only *proposes*
them, together with the evidence behind the proposal (each IKI's capaian, each
BerAKHLAK value's aggregated level) so the appraiser can see why, and confirm or
override. Pure computation: the caller gathers targets, realisations and feedback.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import NamedTuple

from kinerja_contracts.vocabulary import (
    Aspect,
    BerakhlakValue,
    Ekspektasi,
    FeedbackSource,
    Predikat,
    RhkKind,
)

from .errors import InvalidIndikator, NoTargets
from .policy import DEFAULT_POLICY, LEVEL_SCORE, AppraisalPolicy
from .predikat import predikat_for

__all__ = [
    "IndikatorInput",
    "FeedbackAnswer",
    "IndikatorResult",
    "PerilakuResult",
    "ProposedAppraisal",
    "SourceEvidence",
    "average_capaian_utama",
    "propose",
]

# Fixed orders and lookups, built once: proposals are made by the thousand per batch.
_SOURCES = tuple(FeedbackSource)
_SOURCE_NAMES = {s: s.value for s in FeedbackSource}
_VALUES = tuple(BerakhlakValue)


# A named tuple made from a tuple of its fields, skipping its (Python-level) constructor.
_make = tuple.__new__


def _member(kind, value):
    """``kind(value)``, skipping the (slow) enum lookup when ``value`` already is a member."""
    return value if type(value) is kind else kind(value)


# Scores are rounded before banding so that float noise (0.3399999…) cannot flip a
# level, and so the stored score is exactly the one the band was applied to.
_SCORE_DIGITS = 4


# --- inputs ----------------------------------------------------------------------


class IndikatorInput(NamedTuple):
    """One IKI of the approved SKP with its realisation for the period. (The values a proposal
    is made of and from are named tuples: thousands a batch, and a frozen dataclass costs four
    times as much to make.)"""

    iki_id: str
    rhk_id: str
    rhk_kind: RhkKind
    aspect: Aspect
    description: str
    target: float
    # Set from the IKI itself, not guessed from the aspect: "waktu" is usually
    # lower-is-better, but e.g. "ketepatan waktu 100 %" is not.
    higher_is_better: bool
    realization: float | None


class FeedbackAnswer(NamedTuple):
    """One 360° answer: a source's level for one BerAKHLAK value. (A named tuple: an
    agency's proposals take hundreds of thousands of them, and tuples are cheap to make.)"""

    source: FeedbackSource
    value: BerakhlakValue
    level: Ekspektasi
    # The feedback round the answer was given in (None outside rounds): what is shown of
    # anonymous answers is counted per round (see anonymity.py); the ratings ignore it.
    round_id: str | None = None


# --- results ---------------------------------------------------------------------


class IndikatorResult(NamedTuple):
    iki_id: str
    rhk_id: str
    rhk_kind: RhkKind
    aspect: Aspect
    description: str
    target: float
    realization: float | None
    capaian: float
    met: bool


class SourceEvidence(NamedTuple):
    """What one source said about one value: the mean of its answers and the weight it got.

    ``source`` is a FeedbackSource value or "citizen" (the SKM score naming the officer).
    """

    source: str
    answers: int
    mean: float
    weight: float


class PerilakuResult(NamedTuple):
    """Aggregated level of one BerAKHLAK value.

    ``answers`` counts 360° answers only; citizen evidence, being an aggregate score
    rather than an answer, moves ``score`` without being counted here.
    """

    value: BerakhlakValue
    level: Ekspektasi
    answers: int
    score: float
    evidence: tuple[SourceEvidence, ...] = ()


@dataclass(frozen=True, slots=True)
class ProposedAppraisal:
    rating_hasil_kerja: Ekspektasi
    rating_perilaku: Ekspektasi
    predikat: Predikat
    policy_version: str
    indikator: tuple[IndikatorResult, ...]
    perilaku: tuple[PerilakuResult, ...]
    average_capaian_utama: float
    feedback_answers: int
    # Values rated di bawah, in BerAKHLAK order: the behaviour gaps a development
    # plan has to address.
    weak_values: tuple[BerakhlakValue, ...]
    # Utama IKIs not met: the performance gaps. Tambahan IKIs are left out on
    # purpose, since extra work that fell short is not a shortfall against the SKP.
    missed_indikator: tuple[IndikatorResult, ...]
    # Mean of the seven value scores, before the "several weak values" rule.
    perilaku_score: float = 0.0
    # Whether fully met tambahan RHK lifted "sesuai" to "di atas".
    tambahan_lifted: bool = False


# --- hasil kerja -----------------------------------------------------------------


def _assess_indikator(item: IndikatorInput, policy: AppraisalPolicy) -> IndikatorResult:
    try:
        capaian = policy.capaian(item.target, item.realization, item.higher_is_better)
    except InvalidIndikator as exc:
        raise InvalidIndikator(f"IKI {item.iki_id!r}: {exc}") from exc
    return IndikatorResult(
        iki_id=item.iki_id,
        rhk_id=item.rhk_id,
        rhk_kind=_member(RhkKind, item.rhk_kind),
        aspect=_member(Aspect, item.aspect),
        description=item.description,
        target=item.target,
        realization=item.realization,
        capaian=capaian,
        met=policy.is_met(capaian),
    )


def _group_by_rhk(results: Sequence[IndikatorResult]) -> dict[str, list[IndikatorResult]]:
    by_rhk: dict[str, list[IndikatorResult]] = defaultdict(list)
    for result in results:
        group = by_rhk[result.rhk_id]
        if group and group[0].rhk_kind != result.rhk_kind:
            raise InvalidIndikator(f"RHK {result.rhk_id!r} is both utama and tambahan")
        group.append(result)
    return by_rhk


def _rate_hasil_kerja(results: Sequence[IndikatorResult], policy: AppraisalPolicy) -> tuple[Ekspektasi, float, bool]:
    by_rhk = _group_by_rhk(results)
    utama = [group for group in by_rhk.values() if group[0].rhk_kind is RhkKind.UTAMA]
    if not utama:
        raise NoTargets("no IKI under a utama RHK: an appraisal needs an approved SKP")
    # Each RHK weighs the same whatever its number of IKIs, so splitting one result
    # into many indicators cannot tilt the average.
    average = round(fmean([fmean([r.capaian for r in group]) for group in utama]), 2)
    level = policy.hasil_level(average)

    if level is Ekspektasi.SESUAI and average >= policy.tambahan_lift_min_utama:
        tambahan_fully_met = sum(
            1 for group in by_rhk.values() if group[0].rhk_kind is RhkKind.TAMBAHAN and all(r.met for r in group)
        )
        if tambahan_fully_met >= policy.tambahan_lift_count:
            return Ekspektasi.DI_ATAS, average, True
    return level, average, False


# --- perilaku kerja --------------------------------------------------------------


def _rate_value(
    value: BerakhlakValue,
    by_source: dict[FeedbackSource, list[int]],
    citizen_service_score: float | None,
    sources: tuple[tuple[FeedbackSource, str, float], ...],
    policy: AppraisalPolicy,
) -> PerilakuResult:
    """One value's level from its answers' points per source; ``sources``: each source's name
    and weight under the policy, in the fixed order."""
    # (weight, score) per source that said something; each source is first averaged
    # on its own so that five peers do not outvote one appraiser. (Integer scores: their
    # plain mean is exact, as fmean's would be.)
    said = [
        _make(SourceEvidence, (name, len(scores), round(sum(scores) / len(scores), _SCORE_DIGITS), weight))
        for source, name, weight in sources
        if (scores := by_source.get(source))
    ]
    if value is BerakhlakValue.BERORIENTASI_PELAYANAN and citizen_service_score is not None:
        said.append(SourceEvidence("citizen", 0, citizen_service_score, policy.citizen_weight))

    # Renormalise over the sources present: a missing source is "no evidence", not
    # "sesuai", so it must not drag the score towards zero.
    total_weight = sum(e.weight for e in said)
    if total_weight > 0:
        score = round(sum(e.weight * e.mean for e in said) / total_weight, _SCORE_DIGITS)
    else:
        # Nobody answered: no evidence against the employee, so "sesuai".
        score = 0.0
    answers = sum(len(scores) for scores in by_source.values())
    return PerilakuResult(value, policy.perilaku_level(score), answers, score, tuple(said))


def _rate_perilaku(
    answers: Sequence[FeedbackAnswer],
    citizen_service_score: float | None,
    policy: AppraisalPolicy,
) -> tuple[Ekspektasi, tuple[PerilakuResult, ...], float]:
    # One pass over the answers: each value's points per source.
    points: dict[BerakhlakValue, dict[FeedbackSource, list[int]]] = {}
    for answer in answers:
        value = _member(BerakhlakValue, answer.value)
        source = _member(FeedbackSource, answer.source)
        point = LEVEL_SCORE[_member(Ekspektasi, answer.level)]
        by_source = points.get(value)
        if by_source is None:
            points[value] = {source: [point]}
        elif source in by_source:
            by_source[source].append(point)
        else:
            by_source[source] = [point]

    sources = tuple((s, _SOURCE_NAMES[s], policy.source_weight(s)) for s in _SOURCES)
    results = tuple(
        _rate_value(value, points.get(value, {}), citizen_service_score, sources, policy) for value in _VALUES
    )
    overall = round(fmean([r.score for r in results]), _SCORE_DIGITS)
    level = policy.perilaku_level(overall)
    below = sum(1 for r in results if r.level is Ekspektasi.DI_BAWAH)
    if below >= policy.perilaku_di_bawah_if_values_below:
        level = Ekspektasi.DI_BAWAH
    return level, results, overall


# --- proposal ---------------------------------------------------------------------


def _assess_all(indikator: Sequence[IndikatorInput], policy: AppraisalPolicy) -> tuple[IndikatorResult, ...]:
    seen: set[str] = set()
    for item in indikator:
        if item.iki_id in seen:
            raise InvalidIndikator(f"IKI {item.iki_id!r} appears twice")
        seen.add(item.iki_id)
    return tuple(_assess_indikator(item, policy) for item in indikator)


def average_capaian_utama(indikator: Sequence[IndikatorInput], policy: AppraisalPolicy = DEFAULT_POLICY) -> float:
    """The mean capaian of the utama RHK alone, as ``propose`` computes it: what a member
    contributes to their unit's result. Raises as ``propose`` does."""
    return _rate_hasil_kerja(_assess_all(indikator, policy), policy)[1]


def propose(
    indikator: Sequence[IndikatorInput],
    answers: Sequence[FeedbackAnswer],
    policy: AppraisalPolicy = DEFAULT_POLICY,
    citizen_service_score: float | None = None,
) -> ProposedAppraisal:
    """Propose rating hasil kerja, rating perilaku and the resulting predikat.

    Raises ``NoTargets`` when no utama IKI exists and ``InvalidIndikator`` for
    figures that cannot be assessed (negative values, duplicate IKI ids, an RHK
    marked both utama and tambahan). ``citizen_service_score`` lies in -1..+1.
    """
    if citizen_service_score is not None and not -1.0 <= citizen_service_score <= 1.0:
        raise ValueError("citizen_service_score must lie in -1..+1")
    results = _assess_all(indikator, policy)
    rating_hasil, average, lifted = _rate_hasil_kerja(results, policy)
    rating_perilaku, perilaku, perilaku_score = _rate_perilaku(answers, citizen_service_score, policy)

    return ProposedAppraisal(
        rating_hasil_kerja=rating_hasil,
        rating_perilaku=rating_perilaku,
        predikat=predikat_for(rating_hasil, rating_perilaku),
        policy_version=policy.version,
        indikator=results,
        perilaku=perilaku,
        average_capaian_utama=average,
        feedback_answers=len(answers),
        weak_values=tuple(r.value for r in perilaku if r.level is Ekspektasi.DI_BAWAH),
        missed_indikator=tuple(r for r in results if r.rhk_kind is RhkKind.UTAMA and not r.met),
        perilaku_score=perilaku_score,
        tambahan_lifted=lifted,
    )
