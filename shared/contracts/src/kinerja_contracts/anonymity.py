"""The anonymity rule of 360° feedback (k ≥ 3), stated once for every service that shows answers.

Peer and subordinate answers are anonymous (``ANONYMOUS_SOURCES``); appraiser and self answers
carry no secret. No reader other than the giver may see a contribution built from fewer than
``MIN_ANONYMOUS_ANSWERS`` anonymous answers, nor numbers from which one answer can be solved:

* **Who counts.** A contribution counts its answers and its distinct givers other than the
  reader (a reader who answered could subtract their own answer): both must reach three.
* **Only when final.** While answers can still be added (an open round), nothing anonymous is
  shown: watching a count go from 3 to 4 would give the fourth answer.
* **Blocks.** Answers are counted per round and per source. A round's answers of one anonymous
  source form a block of their own when there are at least three; within a round, the anonymous
  sources with fewer are merged into one "colleagues" block, shown when the merge reaches three;
  what is left is withheld. Every shown figure is over whole blocks.

feedback-service applies it to what each reader sees of a round (feedback_service.domain.
anonymity), appraisal-service to the behaviour evidence an appraisal publishes
(appraisal_service.domain.anonymity). Plain Python, no I/O.
"""

from collections.abc import Iterable
from typing import NamedTuple

from .vocabulary import ANONYMOUS_SOURCES, MIN_ANONYMOUS_ANSWERS, FeedbackSource

__all__ = [
    "ANONYMOUS_ORDER",
    "ANONYMOUS_VALUES",
    "COLLEAGUES",
    "MIN_ANONYMOUS_ANSWERS",
    "NOT_CLOSED",
    "TOO_FEW",
    "Block",
    "Merged",
    "Pool",
    "enough",
    "is_anonymous",
    "merged",
    "withheld_because",
]

# The merged block of a round's anonymous sources too small to be shown on their own.
COLLEAGUES = "colleagues"
# The anonymous sources as plain strings (a FeedbackSource is one too), in a fixed order so the
# same evidence always reads the same.
ANONYMOUS_ORDER = tuple(s.value for s in FeedbackSource if s in ANONYMOUS_SOURCES)
ANONYMOUS_VALUES = frozenset(ANONYMOUS_ORDER)

NOT_CLOSED = "shown once the round is closed"
TOO_FEW = f"shown once at least {MIN_ANONYMOUS_ANSWERS} answers from givers other than the reader exist"


def is_anonymous(source: str) -> bool:
    return source in ANONYMOUS_VALUES


def enough(answers: int) -> bool:
    """Whether a contribution of ``answers`` anonymous answers may be shown."""
    return answers >= MIN_ANONYMOUS_ANSWERS


def withheld_because(source: str, givers: Iterable[str], *, reader_nip: str | None, final: bool) -> str | None:
    """Why the answers of ``source`` given by ``givers`` (one NIP per answer) may not be shown to
    ``reader_nip`` (None: they may). ``final``: no answer can be added or changed any more."""
    if not is_anonymous(source):
        return None
    if not final:
        return NOT_CLOSED
    answers = list(givers)
    if not enough(len(answers)) or not enough(len(set(answers) - {reader_nip})):
        return TOO_FEW
    return None


class Block(NamedTuple):
    """One round's anonymous answers of one source (about one value): how many, and their sum."""

    round_id: str | None
    source: str
    answers: int
    total: int


class Pool(NamedTuple):
    """What may be shown of a source's blocks, or of the merged colleagues: answers and their sum."""

    source: str
    answers: int
    total: int

    @property
    def mean(self) -> float:
        return self.total / self.answers


class Merged(NamedTuple):
    # The sources' own blocks of three or more (in ANONYMOUS_ORDER), then the colleagues'.
    pools: tuple[Pool, ...]
    # Every answer sits in a block of its own source: nothing was merged or withheld.
    complete: bool


def merged(blocks: Iterable[Block]) -> Merged:
    """The blocks as they may be shown: each source's blocks of three or more together; per
    round, the smaller blocks merged into the colleagues when they reach three, else withheld."""
    own: dict[str, list[int]] = {}
    small_by_round: dict[str | None, list[Block]] = {}
    for block in blocks:
        if enough(block.answers):
            tally = own.setdefault(block.source, [0, 0])
            tally[0] += block.answers
            tally[1] += block.total
        else:
            small_by_round.setdefault(block.round_id, []).append(block)
    pools = [Pool(s, *own[s]) for s in ANONYMOUS_ORDER if s in own]
    colleagues = [0, 0]
    for small in small_by_round.values():
        if enough(answers := sum(b.answers for b in small)):
            colleagues[0] += answers
            colleagues[1] += sum(b.total for b in small)
    if colleagues[0]:
        pools.append(Pool(COLLEAGUES, *colleagues))
    return Merged(tuple(pools), complete=not small_by_round)
