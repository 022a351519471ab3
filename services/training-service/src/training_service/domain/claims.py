"""Training recorded outside any plan: who makes it count.

An employee who records a course for themselves only claims it: the hours are "claimed"
until HR or the employee's current appraiser verifies them (or rejects them), and only
verified hours count toward the 20 JP entitlement and the reports (issue 8 item 7: before
this rule an employee could credit themselves any number of hours). Training HR records
for someone else is verified as it is recorded: HR is the one who verifies. Nobody
verifies their own training, HR included. Completing an item of a plan is not a claim:
the plan was made from the appraisal with a mentor, and each item is credited once.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EntryStatus", "may_review", "status_when_recorded"]


class EntryStatus(StrEnum):
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"


def may_review(reviewer_nip: str, nip: str, *, reviewer_is_hr: bool, current_appraiser: str | None) -> bool:
    """HR or the employee's current appraiser, never the employee themselves."""
    if reviewer_nip == nip:
        return False
    return reviewer_is_hr or (current_appraiser is not None and reviewer_nip == current_appraiser)


def status_when_recorded(recorded_by: str, nip: str, *, recorder_is_hr: bool) -> EntryStatus:
    """Recorded by someone who may verify it (HR, for another employee) it is verified at
    once; recorded by the employee it is a claim."""
    if may_review(recorded_by, nip, reviewer_is_hr=recorder_is_hr, current_appraiser=None):
        return EntryStatus.VERIFIED
    return EntryStatus.CLAIMED
