"""Feedback rounds: the appraiser (or HR) names who gives 360° feedback about an employee for
one checkpoint; only those givers may answer, once each, until the round is closed."""

from dataclasses import dataclass
from enum import StrEnum

from kinerja_contracts.vocabulary import ANONYMOUS_SOURCES, FeedbackSource
from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState


class RoundRefused(InvalidInput):
    """The round cannot be opened as asked (a giver named with the wrong source, ...).

    ``field``: the request field at fault when one is (``givers.2.source``): by position, never by NIP.
    The refusal then names it the way a validation error does, so a form shows it next to that field."""

    def __init__(self, message: str, field: str | None = None):
        if field is None:
            super().__init__(message)
        else:
            super().__init__(f"{field}: {message}", errors=[{"field": field, "message": message}])
        self.field = field


class NotAGiver(NotPermitted):
    """The caller was not named as a giver of this round."""


class RoundClosed(WrongState):
    """The round is closed: no answer is accepted or replaced any more."""


def manages(caller_nip: str, caller_is_hr: bool, employee_nip: str, appraiser_nip: str | None) -> bool:
    """HR and the employee's own appraiser run rounds and get the manager's view; never the
    employee themself, even when they are HR, so nobody de-anonymises feedback about themself."""
    if caller_nip == employee_nip:
        return False
    return caller_is_hr or caller_nip == appraiser_nip


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Nomination:
    """One named giver and the kind of feedback they give."""

    nip: str
    source: FeedbackSource


READER_AS_ANONYMOUS_GIVER = (
    "whoever opens a round or may read its results for the manager cannot be named as a peer or subordinate giver in it"
)


def check_nominations(
    nominations: list[Nomination],
    *,
    employee_nip: str,
    appraiser_nip: str | None,
    opener_nip: str | None = None,
) -> None:
    """A source stands for a relationship, so it must match who the giver is: otherwise a peer
    answer could be the appraiser's, or the employee could rate themself anonymously. And the
    round's manager readers — its opener and the employee's appraiser — cannot answer
    anonymously in it: they would subtract their own answer from what they read. (HR at large
    reads too, but a NIP does not say who is HR; the views count only givers other than the
    reader, see anonymity.py.) Refusals name the rule, never a giver."""
    if not nominations:
        raise RoundRefused("name at least one giver", field="givers")
    seen: set[str] = set()
    for index, n in enumerate(nominations):
        if n.nip in seen:
            raise RoundRefused(
                "each giver is named once; a giver was named more than once", field=f"givers.{index}.nip"
            )
        seen.add(n.nip)
        rule = _source_rule_broken(n, employee_nip, appraiser_nip)
        if rule:
            raise RoundRefused(rule, field=f"givers.{index}.source")
        if n.nip == opener_nip and n.source in ANONYMOUS_SOURCES:
            raise RoundRefused(READER_AS_ANONYMOUS_GIVER, field=f"givers.{index}.source")


def _source_rule_broken(n: Nomination, employee_nip: str, appraiser_nip: str | None) -> str | None:
    """The rule a giver's source breaks for who they are, or None."""
    if n.source is FeedbackSource.SELF and n.nip != employee_nip:
        return "only the employee can be the 'self' giver"
    if n.nip == employee_nip and n.source is not FeedbackSource.SELF:
        return "the employee can only give 'self' feedback"
    if n.source is FeedbackSource.APPRAISER and n.nip != appraiser_nip:
        return "only the employee's appraiser can be the 'appraiser' giver"
    if n.nip == appraiser_nip and n.source is not FeedbackSource.APPRAISER:
        return "the employee's appraiser can only give 'appraiser' feedback"
    return None


def check_checkpoint(checkpoint_id: str | None, checkpoints: list[str]) -> None:
    """A round evaluates one of the period's checkpoints; a period without any takes none."""
    if checkpoints and checkpoint_id not in checkpoints:
        raise RoundRefused(
            f"checkpoint_id must be one of the period's checkpoints: {', '.join(checkpoints)}", field="checkpoint_id"
        )
    if not checkpoints and checkpoint_id is not None:
        raise RoundRefused("the period has no checkpoints; leave checkpoint_id empty", field="checkpoint_id")


@dataclass(frozen=True)
class FeedbackRound:
    round_id: str
    nip: str
    checkpoint_id: str | None
    givers: dict[str, FeedbackSource]
    status: RoundStatus

    def source_for(self, giver_nip: str) -> FeedbackSource:
        """The source the giver answers as. Whether they are a giver is checked first, so a
        stranger learns nothing about the round's state."""
        if giver_nip not in self.givers:
            raise NotAGiver("only the givers named for this round may answer it")
        if self.status is RoundStatus.CLOSED:
            raise RoundClosed("the round is closed; answers can no longer be given or changed")
        return self.givers[giver_nip]

    def check_can_close(self) -> None:
        if self.status is RoundStatus.CLOSED:
            raise RoundClosed("the round is already closed")
