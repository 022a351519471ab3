"""What appraisal-service refuses, as the runtime's kinds of refusal (kinerja_runtime.refusals):
the kind decides the answer (409, 422, ...), once, in the runtime.

A refused read answers word for word like a missing object, so a 404 never tells whether the
object exists; no detail names an id, a NIP or any value of a person (issue 8, item 6).
"""

from kinerja_runtime.refusals import InvalidInput, WrongState

__all__ = [
    "NO_APPRAISAL",
    "NO_EMPLOYEE",
    "NO_OBJECTION",
    "NO_PERIOD",
    "AppraisalError",
    "InvalidIndikator",
    "InvalidPolicy",
    "NoTargets",
]

NO_APPRAISAL = "no such appraisal"
NO_OBJECTION = "no such objection"
NO_EMPLOYEE = "no such employee"
NO_PERIOD = "no such period"


class AppraisalError(WrongState):
    """Base class: the data given cannot yield a proposed appraisal (the SKP as it stands
    cannot be assessed; the appraisal waits for it to change)."""


class NoTargets(AppraisalError):
    """There is no IKI under any utama RHK.

    Rating hasil kerja rests on the approved SKP's main results; without them there is
    nothing to measure achievement against, so no rating can be proposed. Guessing
    "di bawah" would punish the employee for a missing SKP, which is an HR problem.
    """


class InvalidIndikator(AppraisalError):
    """An IKI's figures cannot be turned into a capaian (e.g. a negative realisation)."""


class InvalidPolicy(InvalidInput, ValueError):
    """Policy parameters that are unknown or inconsistent (bands out of order, a peer weighing
    more than the appraiser, ...)."""

    def __init__(self, reason: str):
        super().__init__(f"invalid policy: {reason}")
