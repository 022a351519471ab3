"""360° BerAKHLAK feedback: who may give which kind of answer, and what a complete answer is."""

from dataclasses import dataclass

from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi
from kinerja_runtime.refusals import InvalidInput


class FeedbackRefused(InvalidInput):
    """The answer is not one that can be given (a BerAKHLAK value without a level)."""


@dataclass(frozen=True)
class Giver:
    nip: str
    is_hr: bool = False


def check_complete(ratings: dict[BerakhlakValue, Ekspektasi]) -> None:
    missing = [v.value for v in BerakhlakValue if v not in ratings]
    if missing:
        raise FeedbackRefused(f"every BerAKHLAK value needs a level; missing: {', '.join(missing)}")
