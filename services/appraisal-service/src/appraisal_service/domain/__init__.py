"""Appraisal domain: proposing ratings and predikat, confirming them, calibration, objection."""

from .anonymity import (
    COLLEAGUES,
    Block,
    PublishedEvidence,
    PublishedPerilaku,
    PublishedValue,
    anonymous_tallies,
    publishable,
    publishable_perilaku,
)
from .appraisal import (
    FeedbackAnswer,
    IndikatorInput,
    IndikatorResult,
    PerilakuResult,
    ProposedAppraisal,
    SourceEvidence,
    average_capaian_utama,
    propose,
)
from .calibration import CURVE, Bound, BoundCheck, CalibrationReport, OrganisationPredikat, check_distribution
from .confirmation import FinalRatings, OverrideWithoutReason, decide_final
from .errors import AppraisalError, InvalidIndikator, NoTargets
from .objection import (
    OBJECTION_DAYS,
    ObjectionClosed,
    Outcome,
    UnchangedResult,
    check_objection_window,
    objection_closes_on,
    revised_ratings,
)
from .policy import DEFAULT_POLICY, LEVEL_SCORE, AppraisalPolicy, policy_from_parameters
from .predikat import predikat_for
from .unit_result import UnitResult, unit_result, units_under

__all__ = [
    "AppraisalError",
    "Block",
    "COLLEAGUES",
    "PublishedEvidence",
    "PublishedPerilaku",
    "PublishedValue",
    "anonymous_tallies",
    "publishable",
    "publishable_perilaku",
    "AppraisalPolicy",
    "Bound",
    "BoundCheck",
    "CURVE",
    "CalibrationReport",
    "DEFAULT_POLICY",
    "FeedbackAnswer",
    "FinalRatings",
    "IndikatorInput",
    "IndikatorResult",
    "InvalidIndikator",
    "LEVEL_SCORE",
    "NoTargets",
    "OBJECTION_DAYS",
    "ObjectionClosed",
    "OrganisationPredikat",
    "Outcome",
    "OverrideWithoutReason",
    "PerilakuResult",
    "ProposedAppraisal",
    "SourceEvidence",
    "UnchangedResult",
    "UnitResult",
    "average_capaian_utama",
    "check_distribution",
    "check_objection_window",
    "decide_final",
    "objection_closes_on",
    "policy_from_parameters",
    "predikat_for",
    "propose",
    "revised_ratings",
    "unit_result",
    "units_under",
]
