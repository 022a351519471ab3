"""What each reader may see of the answers about an employee.

Peer and subordinate answers are anonymous (product rule): the employee sees them only as
per-value level counts, and only once at least three answers of that source exist, so no single
answer can be read back. Appraiser and self answers carry no secret and are shown per source.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource

MIN_ANONYMOUS_ANSWERS = 3
ANONYMOUS_SOURCES = (FeedbackSource.PEER, FeedbackSource.SUBORDINATE)
OPEN_SOURCES = (FeedbackSource.APPRAISER, FeedbackSource.SELF)


@dataclass(frozen=True)
class Answer:
    """One feedback form as the views need it: deliberately without the giver."""

    source: FeedbackSource
    ratings: Mapping[str, str]
    comment: str | None = None


def level_counts(answers: Iterable[Answer]) -> dict[str, dict[str, int]]:
    """Per BerAKHLAK value, how many answers gave each level (every value and level present)."""
    counts = {v.value: {level.value: 0 for level in Ekspektasi} for v in BerakhlakValue}
    for answer in answers:
        for value, level in answer.ratings.items():
            counts[value][level] += 1
    return counts


def may_show(source: FeedbackSource, answers: int) -> bool:
    return source not in ANONYMOUS_SOURCES or answers >= MIN_ANONYMOUS_ANSWERS


def _open_view(answers: list[Answer]) -> dict:
    return {"answers": len(answers), "forms": [{"ratings": dict(a.ratings), "comment": a.comment} for a in answers]}


def _anonymous_view(source: FeedbackSource, answers: list[Answer], *, for_manager: bool) -> dict:
    if not may_show(source, len(answers)):
        view = {"shown": False, "reason": f"shown once at least {MIN_ANONYMOUS_ANSWERS} answers exist"}
        # HR and the appraiser may follow progress by count; the employee may not, so the
        # moment each colleague answers cannot be read off.
        return {**view, "answers": len(answers)} if for_manager else view
    view = {"shown": True, "answers": len(answers), "values": level_counts(answers)}
    if for_manager:
        # Sorted, not in arrival order, so a comment cannot be matched to when someone answered.
        view["comments"] = sorted(a.comment for a in answers if a.comment)
    return view


def feedback_view(answers: Iterable[Answer], *, for_manager: bool) -> dict[str, dict]:
    """Per source, what the reader may see: the employee (``for_manager=False``) or their
    appraiser / HR. Neither view ever contains a giver's identity."""
    by_source: dict[FeedbackSource, list[Answer]] = {s: [] for s in FeedbackSource}
    for answer in answers:
        by_source[answer.source].append(answer)
    view = {s.value: _open_view(by_source[s]) for s in OPEN_SOURCES}
    view |= {s.value: _anonymous_view(s, by_source[s], for_manager=for_manager) for s in ANONYMOUS_SOURCES}
    return view
