"""What each reader may see of the answers about an employee: the anonymity rule of 360°
feedback (k ≥ 3, kinerja_contracts.anonymity) applied to one group of answers.

Peer and subordinate answers are shown only as per-value level counts, only once the round is
closed, and only when at least three answers from at least three givers other than the reader
exist. So no single answer can be read back: not from a count of one or two, not by watching
the counts go from 3 to 4 while the round is open, and not by a reader who answered themself
and subtracts their own answer. Appraiser and self answers carry no secret and are shown per
source.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kinerja_contracts import anonymity
from kinerja_contracts.anonymity import NOT_CLOSED, TOO_FEW
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource

__all__ = ["NOT_CLOSED", "OPEN_SOURCES", "TOO_FEW", "Answer", "feedback_view", "level_counts", "withheld_because"]

OPEN_SOURCES = tuple(s for s in FeedbackSource if not anonymity.is_anonymous(s))


@dataclass(frozen=True)
class Answer:
    """One feedback form as the views need it. ``giver_nip`` only counts distinct givers other
    than the reader; no view ever shows it."""

    source: FeedbackSource
    ratings: Mapping[str, str]
    giver_nip: str = field(repr=False)
    comment: str | None = None


def level_counts(answers: Iterable[Answer]) -> dict[str, dict[str, int]]:
    """Per BerAKHLAK value, how many answers gave each level (every value and level present)."""
    counts = {v.value: {level.value: 0 for level in Ekspektasi} for v in BerakhlakValue}
    for answer in answers:
        for value, level in answer.ratings.items():
            counts[value][level] += 1
    return counts


def withheld_because(source: FeedbackSource, answers: Sequence[Answer], *, reader_nip: str, final: bool) -> str | None:
    """Why ``answers`` of ``source`` may not be shown to ``reader_nip`` (None: they may)."""
    return anonymity.withheld_because(source, (a.giver_nip for a in answers), reader_nip=reader_nip, final=final)


def _open_view(answers: list[Answer]) -> dict:
    return {"answers": len(answers), "forms": [{"ratings": dict(a.ratings), "comment": a.comment} for a in answers]}


def _anonymous_view(
    source: FeedbackSource, answers: list[Answer], *, for_manager: bool, reader_nip: str, final: bool
) -> dict:
    if reason := withheld_because(source, answers, reader_nip=reader_nip, final=final):
        view = {"shown": False, "reason": reason}
        # HR and the appraiser may follow progress by count; the employee may not, so the
        # moment each colleague answers cannot be read off.
        return {**view, "answers": len(answers)} if for_manager else view
    view = {"shown": True, "answers": len(answers), "values": level_counts(answers)}
    if for_manager:
        # Sorted, not in arrival order, so a comment cannot be matched to when someone answered.
        view["comments"] = sorted(a.comment for a in answers if a.comment)
    return view


def feedback_view(answers: Iterable[Answer], *, for_manager: bool, reader_nip: str, final: bool) -> dict[str, dict]:
    """Per source, what ``reader_nip`` may see of one group of answers (a round, or the answers
    given outside rounds): the employee (``for_manager=False``) or their appraiser / HR.
    ``final``: no answer can be added or changed any more (the round is closed). Neither view
    ever contains a giver's identity."""
    by_source: dict[FeedbackSource, list[Answer]] = {s: [] for s in FeedbackSource}
    for answer in answers:
        by_source[answer.source].append(answer)
    view = {s.value: _open_view(by_source[s]) for s in OPEN_SOURCES}
    view |= {
        s.value: _anonymous_view(s, by_source[s], for_manager=for_manager, reader_nip=reader_nip, final=final)
        for s in FeedbackSource
        if anonymity.is_anonymous(s)
    }
    return view
