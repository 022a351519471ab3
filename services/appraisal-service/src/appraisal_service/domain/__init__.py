"""Appraisal domain: proposing ratings and predikat from targets and feedback."""

from .appraisal import (
    FeedbackAnswer,
    IndikatorInput,
    IndikatorResult,
    PerilakuResult,
    ProposedAppraisal,
    propose,
)
from .errors import AppraisalError, InvalidIndikator, NoTargets
from .policy import DEFAULT_POLICY, LEVEL_SCORE, AppraisalPolicy
from .predikat import predikat_for

__all__ = [
    "AppraisalError",
    "AppraisalPolicy",
    "DEFAULT_POLICY",
    "FeedbackAnswer",
    "IndikatorInput",
    "IndikatorResult",
    "InvalidIndikator",
    "LEVEL_SCORE",
    "NoTargets",
    "PerilakuResult",
    "ProposedAppraisal",
    "predikat_for",
    "propose",
]
