"""Domain errors of the appraisal proposal."""

__all__ = ["AppraisalError", "NoTargets", "InvalidIndikator"]


class AppraisalError(ValueError):
    """Base class: the data given cannot yield a proposed appraisal."""


class NoTargets(AppraisalError):
    """There is no IKI under any utama RHK.

    Rating hasil kerja rests on the approved SKP's main results; without them there is
    nothing to measure achievement against, so no rating can be proposed. Guessing
    "di bawah" would punish the employee for a missing SKP, which is an HR problem.
    """


class InvalidIndikator(AppraisalError):
    """An IKI's figures cannot be turned into a capaian (e.g. a negative realisation)."""
