"""360° BerAKHLAK feedback: who may give which kind of answer, and what a complete answer is."""

from dataclasses import dataclass

from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource


class FeedbackRefused(Exception):
    """The giver may not give this feedback (e.g. 'self' about someone else)."""


@dataclass(frozen=True)
class Giver:
    nip: str
    is_hr: bool = False


def check_giver(source: FeedbackSource, giver: Giver, employee_nip: str, appraiser_nip: str | None) -> None:
    if source is FeedbackSource.SELF and giver.nip != employee_nip:
        raise FeedbackRefused("self feedback can only be given by the employee")
    if source is FeedbackSource.APPRAISER and giver.nip != appraiser_nip and not giver.is_hr:
        raise FeedbackRefused("appraiser feedback can only be given by the employee's appraiser")
    if source in (FeedbackSource.PEER, FeedbackSource.SUBORDINATE) and giver.nip == employee_nip:
        raise FeedbackRefused(f"{source.value} feedback cannot be given about oneself")


def check_complete(ratings: dict[BerakhlakValue, Ekspektasi]) -> None:
    missing = [v.value for v in BerakhlakValue if v not in ratings]
    if missing:
        raise FeedbackRefused(f"every BerAKHLAK value needs a level; missing: {', '.join(missing)}")
