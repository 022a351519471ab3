"""Recognition: officers whose citizens rate them in the top band, and recognitions recorded.

The rule, written once: an officer is a candidate for a checkpoint when the citizen survey
answers naming them in that checkpoint number at least :data:`MIN_CITIZEN_ANSWERS`, and their
index — the IKM formula of PermenPANRB 14/2017 applied to those answers alone (the mean of the
nine element scores x 25, rounded half-up to two decimals) — is in the top mutu band
(:data:`TOP_BAND`, A "Sangat Baik": 88.31 and above, a mean score of about 3.53 of 4). Enough
answers keeps two lucky answers from recognising anyone; the regulation's own top band keeps
the officers' scale the units' scale.

A checkpoint's days are the agency's local days: an answer counts in it when its local date
falls between the checkpoint's first and last day, both included.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from kinerja_contracts.vocabulary import Mutu, RecognitionKind, SkmElement
from kinerja_runtime.refusals import InvalidInput

from feedback_service.domain.satisfaction import half_up, mutu_for

MIN_CITIZEN_ANSWERS = 10
"""Fewest answers naming an officer in a checkpoint for their ratings to count."""

TOP_BAND = Mutu.A
"""The mutu band an officer's index must reach."""


class RecognitionRefused(InvalidInput):
    """The recognition cannot be recorded as asked; ``field`` names the request field at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(f"{field}: {message}", errors=[{"field": field, "message": message}])
        self.field = field


@dataclass(frozen=True)
class Window:
    """The days citizens' answers are counted over: a checkpoint's (or, in a period without
    checkpoints, the period's), as instants from the first day's local midnight (inclusive) to
    the midnight after the last day (exclusive)."""

    checkpoint_id: str | None
    starts_on: date
    ends_on: date
    zone: tzinfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.starts_on, time.min, self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.ends_on + timedelta(days=1), time.min, self.zone).astimezone(UTC)


def window_of(
    checkpoint_id: str | None,
    checkpoints: list[dict],
    period_starts_on: date | None,
    period_ends_on: date | None,
    zone: tzinfo,
) -> Window:
    """The window of one of the period's checkpoints; with none named, the whole period, which a
    period with checkpoints does not allow (each checkpoint is recognised on its own)."""
    if checkpoint_id is None:
        if checkpoints:
            ids = ", ".join(c["checkpoint_id"] for c in checkpoints)
            raise RecognitionRefused(f"name one of the period's checkpoints: {ids}", field="checkpoint_id")
        if period_starts_on is None or period_ends_on is None:
            raise RecognitionRefused("the period has no dates yet", field="period_id")
        return Window(None, period_starts_on, period_ends_on, zone)
    found = next((c for c in checkpoints if c.get("checkpoint_id") == checkpoint_id), None)
    if found is None:
        if not checkpoints:
            raise RecognitionRefused("the period has no checkpoints; leave checkpoint_id empty", field="checkpoint_id")
        ids = ", ".join(c["checkpoint_id"] for c in checkpoints)
        raise RecognitionRefused(f"checkpoint_id must be one of the period's checkpoints: {ids}", field="checkpoint_id")
    return Window(checkpoint_id, _day(found["starts_on"]), _day(found["ends_on"]), zone)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class OfficerTotals:
    """What the answers naming one officer in a window add up to."""

    nip: str
    answers: int
    score_total: int  # the sum of every element score of those answers


@dataclass(frozen=True)
class CitizenRating:
    nip: str
    answers: int
    index: Decimal  # the IKM formula over the officer's answers: two decimals, 25..100
    mutu: Mutu

    @property
    def in_top_band(self) -> bool:
        return self.answers >= MIN_CITIZEN_ANSWERS and self.mutu is TOP_BAND


def citizen_rating(totals: OfficerTotals) -> CitizenRating:
    if totals.answers < 1:
        raise ValueError("a rating needs at least one answer")
    index = half_up(25 * totals.score_total, len(SkmElement) * totals.answers)
    return CitizenRating(totals.nip, totals.answers, index, mutu_for(index))


def candidates(totals: Iterable[OfficerTotals]) -> list[CitizenRating]:
    """The officers in the top band with enough answers, best first: the higher index, then
    more answers, then by NIP so the order is stable."""
    rated = [citizen_rating(t) for t in totals if t.answers > 0]
    return sorted((r for r in rated if r.in_top_band), key=lambda r: (-r.index, -r.answers, r.nip))


def may_recognise(caller_nip: str, caller_is_hr: bool, employee_nip: str, appraiser_nip: str | None) -> bool:
    """HR of the agency and the employee's appraiser record recognitions; nobody recognises themself."""
    if caller_nip == employee_nip:
        return False
    return caller_is_hr or caller_nip == appraiser_nip


def may_read(caller_nip: str, caller_is_hr: bool, employee_nip: str, appraiser_nip: str | None) -> bool:
    """The employee, their appraiser and HR read the employee's recognitions."""
    return caller_nip == employee_nip or caller_is_hr or caller_nip == appraiser_nip


def check_reason(reason: str) -> str:
    """The reason as stored: trimmed, and not blank."""
    trimmed = reason.strip()
    if not trimmed:
        raise RecognitionRefused("write why the employee is recognised", field="reason")
    return trimmed


def check_citizen_rating(kind: RecognitionKind, rating: CitizenRating | None) -> None:
    """A recognition for citizens' ratings needs the employee's ratings in the window to be in
    the top band with enough answers."""
    if kind is not RecognitionKind.CITIZEN_RATING:
        return
    if rating is None or rating.answers < MIN_CITIZEN_ANSWERS:
        answers = rating.answers if rating else 0
        raise RecognitionRefused(
            f"citizens' ratings need at least {MIN_CITIZEN_ANSWERS} answers naming the employee in this checkpoint;"
            f" there are {answers}",
            field="kind",
        )
    if not rating.in_top_band:
        raise RecognitionRefused(
            f"citizens' ratings of the employee in this checkpoint are not in the top band"
            f" (index {rating.index}, mutu {rating.mutu.value}; needs {TOP_BAND.value})",
            field="kind",
        )
