"""What of the behaviour evidence may be published: the anonymity rule of 360° feedback (k ≥ 3,
kinerja_contracts.anonymity) applied to an appraisal.

Peer and subordinate answers are anonymous. No reader other than the giver — not the
employee, the appraiser, HR, the superior deciding an objection, nor a system reading the
events — may see a contribution built from fewer than three answers, nor numbers from which
one can be solved. Every view, report and event of an appraisal shows the evidence this
module makes, and nothing else of the answers.

**Blocks** (the shared rule's): answers are counted as feedback-service shows them, per round
and per source; a source's blocks of three or more are shown, a round's smaller ones are merged
into the "colleagues" when they reach three, what is left is never shown. Every published mean
is over whole blocks, and the annual and periodic appraisals and feedback-service's round views
cut the same blocks, so the difference of any two of them is again whole blocks of at least
three answers.

**A value's level and score** are the proposal's own, each source weighted over all its
answers. They can be shown (with each source's mean, answer count and weight) only when every
anonymous answer sits in a block of its own source: otherwise a hidden or pooled answer could
be solved from the score and the other sources' means. Such a value shows its publishable
blocks and the open sources (appraiser, self, citizens) without level, score, weights or
counts; with no publishable anonymous block, it shows nothing but its name, and only the
final proposed ratings rest on it. The mean of the seven scores and the number of values
below expectation are shown only when every value is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from kinerja_contracts.anonymity import ANONYMOUS_VALUES, COLLEAGUES, Block, merged
from kinerja_contracts.vocabulary import MIN_ANONYMOUS_ANSWERS, BerakhlakValue, Ekspektasi

from .appraisal import FeedbackAnswer, PerilakuResult, ProposedAppraisal
from .policy import LEVEL_SCORE

__all__ = [
    "COLLEAGUES",
    "Block",
    "PublishedEvidence",
    "PublishedPerilaku",
    "PublishedValue",
    "Tally",
    "anonymous_tallies",
    "publishable",
    "publishable_perilaku",
]

_DIGITS = 4
WITHHELD = (
    f"fewer than {MIN_ANONYMOUS_ANSWERS} peer or subordinate answers of one source in a round: "
    "the level and score are withheld; the final ratings rest on them"
)


# Per value, its anonymous blocks, before the rule.
Tally = Mapping[BerakhlakValue, Sequence[Block]]


class PublishedEvidence(NamedTuple):
    """What may be shown of one source (or of the pooled colleagues) for one value."""

    source: str
    answers: int
    mean: float
    weight: float | None


class PublishedValue(NamedTuple):
    value: BerakhlakValue
    # None when withheld (see the module's docstring).
    level: Ekspektasi | None
    score: float | None
    answers: int | None
    evidence: tuple[PublishedEvidence, ...]

    @property
    def withheld(self) -> bool:
        return self.level is None


@dataclass(frozen=True, slots=True)
class PublishedPerilaku:
    values: tuple[PublishedValue, ...]
    score: float | None
    values_below: int | None

    @property
    def withheld(self) -> tuple[BerakhlakValue, ...]:
        return tuple(v.value for v in self.values if v.withheld)

    def explanation(self) -> dict:
        """The ``perilaku`` part of an appraisal's explanation (JSON-ready)."""
        body: dict = {"score": self.score, "values_below": self.values_below, "values": []}
        if self.score is None:
            body["withheld"] = WITHHELD
        for v in self.values:
            item: dict = {"value": v.value.value}
            if v.level is None:  # withheld
                item["withheld"] = WITHHELD
            else:
                item |= {"level": v.level.value, "score": v.score, "answers": v.answers}
            item["evidence"] = [
                {"source": e.source, "answers": e.answers, "mean": e.mean, "weight": e.weight} for e in v.evidence
            ]
            body["values"].append(item)
        return body

    def summary(self) -> dict:
        """The ``perilaku`` and ``perilaku_withheld`` fields of the contract's AppraisalSummary."""
        return {
            "perilaku": [
                {"value": v.value.value, "level": v.level.value, "answers": v.answers}
                for v in self.values
                if v.level is not None
            ],
            "perilaku_withheld": [v.value for v in self.withheld],
        }


def anonymous_tallies(answers: Iterable[FeedbackAnswer]) -> dict[BerakhlakValue, list[Block]]:
    """The anonymous blocks of each value, from the raw answers (the open sources need none)."""
    sums: dict[BerakhlakValue, dict[tuple[str | None, str], list[int]]] = defaultdict(dict)
    for answer in answers:
        # Vocabulary members are strings: used as they come, no (slow) enum lookups, since
        # proposals are made by the thousand.
        if answer.source not in ANONYMOUS_VALUES:
            continue
        tally = sums[answer.value].setdefault((answer.round_id, str(answer.source)), [0, 0])
        tally[0] += 1
        tally[1] += LEVEL_SCORE[answer.level]
    return {value: [Block(r, s, n, t) for (r, s), (n, t) in by_block.items()] for value, by_block in sums.items()}


def _publish_value(result: PerilakuResult, blocks: Sequence[Block]) -> PublishedValue:
    shown = merged(blocks)
    if shown.complete:
        # Every anonymous answer is in a block of its own source: the proposal's evidence is
        # exactly what may be shown.
        return PublishedValue(
            result.value,
            result.level,
            result.score,
            result.answers,
            tuple(PublishedEvidence(*e) for e in result.evidence),
        )
    if not shown.pools:
        return PublishedValue(result.value, None, None, None, ())
    open_sources = [
        PublishedEvidence(e.source, e.answers, e.mean, None)
        for e in result.evidence
        if e.source not in ANONYMOUS_VALUES
    ]
    pools = [PublishedEvidence(p.source, p.answers, round(p.mean, _DIGITS), None) for p in shown.pools]
    return PublishedValue(result.value, None, None, None, (*open_sources, *pools))


def publishable_perilaku(perilaku: Sequence[PerilakuResult], tallies: Tally, score: float | None) -> PublishedPerilaku:
    """The rule itself: the proposal's per-value results and each value's anonymous blocks in,
    the evidence any reader may see out. ``score`` is the mean of the seven value scores."""
    values = tuple(_publish_value(r, tallies.get(r.value, ())) for r in perilaku)
    if any(v.withheld for v in values):
        return PublishedPerilaku(values, None, None)
    return PublishedPerilaku(values, score, sum(1 for v in values if v.level is Ekspektasi.DI_BAWAH))


def publishable(proposed: ProposedAppraisal, answers: Iterable[FeedbackAnswer]) -> PublishedPerilaku:
    """The publishable behaviour evidence of a proposal made from ``answers``."""
    return publishable_perilaku(proposed.perilaku, anonymous_tallies(answers), proposed.perilaku_score)
