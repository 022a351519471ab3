"""appraisal-service's tables: its projections of other services' events, the work queue of
appraisals due after a period closes, the agency policies, the appraisals with their
revisions, and objections."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import JSON, Column, Date, Float, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

targets = Table(
    "targets",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("skp_id", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("rhk", JSON, nullable=False),
)

realizations = Table(
    "realizations",
    metadata,
    Column("realization_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("skp_id", String(128), nullable=False),
    Column("iki_id", String(128), nullable=False),
    Column("value", Float, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    # A periodic appraisal uses only the realisations of its checkpoint.
    Column("checkpoint_id", String(128), nullable=True),
    # Proposals read SKPs' realisations (and count them) in the order they were recorded.
    Index("ix_realizations_skp", "skp_id", "recorded_at", "realization_id"),
)

feedback_answers = Table(
    "feedback_answers",
    metadata,
    Column("feedback_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("ratings", JSON, nullable=False),
    Column("checkpoint_id", String(128), nullable=True),
    # When the giver submitted these ratings: a resubmission replaces them only if it is later
    # (null for forms projected before it was kept; any submission replaces those).
    Column("submitted_at", UtcDateTime(), nullable=True),
    # What is shown of anonymous answers is counted per round (domain/anonymity.py).
    Column("round_id", String(128), nullable=True),
    # A proposal reads the employee's answers of the period (or of one checkpoint).
    Index("ix_feedback_answers_employee", "agency_id", "period_id", "nip", "checkpoint_id"),
)

# Citizen survey answers that named an officer: evidence for that officer's Berorientasi Pelayanan.
citizen_ratings = Table(
    "citizen_ratings",
    metadata,
    Column("answer_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("officer_nip", String(18), nullable=False, index=True),
    Column("mean_score", Float, nullable=False),
    # Null for answers projected before the date was kept; those count for the year only.
    Column("answered_at", UtcDateTime(), nullable=True),
    # A proposal averages the officer's ratings of the period (or of one checkpoint's days).
    Index("ix_citizen_ratings_officer", "agency_id", "period_id", "officer_nip", "answered_at"),
)

# One row per employee once their period closes: the appraisal to produce when the
# projections hold everything target-service had at close time (see service_layer/due.py).
appraisals_due = Table(
    "appraisals_due",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("skp_id", String(128), nullable=True),
    Column("skp_version", Integer, nullable=True),
    Column("realization_count", Integer, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", String(500), nullable=True),
    # When the close queued it: how long it has waited for its inputs (due_at moves on each wait).
    Column("queued_at", UtcDateTime(), nullable=True),
    # The trace of the close that queued it (ce_traceparent/ce_tracestate; null when untraced):
    # the proposal and the appraiser's confirmation continue it (kinerja_runtime.telemetry).
    Column("trace", JSON(none_as_null=True), nullable=True),  # SQL NULL, not JSON null
    # The processor claims the oldest pending rows.
    Index("ix_appraisals_due_pending", "status", "due_at"),
)

# Each change of an agency's policy is a new row: appraisals keep the version they used,
# so the parameters behind any appraisal stay readable.
agency_policies = Table(
    "agency_policies",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("version", String(64), nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("set_by", String(18), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
    UniqueConstraint("agency_id", "version", name="uq_agency_policy_version"),
)

# One row per appraisal revision. ``scope`` is "annual" or "periodic:<checkpoint_id>" so that
# one proposal per employee per checkpoint and per year is a plain unique constraint.
# status: proposed (no event yet) -> final (AppraisalCompleted) -> superseded (by a revision
# after an objection; the row itself never changes its ratings).
appraisals = Table(
    "appraisals",
    metadata,
    Column("appraisal_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("checkpoint_id", String(128), nullable=True),
    Column("scope", String(160), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("proposed_rating_hasil_kerja", String(32), nullable=False),
    Column("proposed_rating_perilaku", String(32), nullable=False),
    Column("proposed_predikat", String(32), nullable=False),
    Column("proposed_at", UtcDateTime(), nullable=False),
    # The final result: null while the appraisal is only a proposal.
    Column("rating_hasil_kerja", String(32), nullable=True),
    Column("rating_perilaku", String(32), nullable=True),
    Column("predikat", String(32), nullable=True),
    Column("appraiser_nip", String(18), nullable=True),
    Column("confirm_reason", Text, nullable=True),
    Column("completed_at", UtcDateTime(), nullable=True),
    # The agency-local day the result became final: day 0 of the objection period.
    Column("final_on", Date, nullable=True),
    Column("policy_version", String(64), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("explanation", JSON, nullable=False),
    Column("supersedes_appraisal_id", String(36), nullable=True),
    Column("objection_id", String(36), nullable=True),
    UniqueConstraint("agency_id", "period_id", "nip", "scope", "revision", name="uq_appraisal_scope_revision"),
    Index("ix_appraisals_period", "agency_id", "period_id"),
)

objections = Table(
    "objections",
    metadata,
    Column("objection_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    # One objection per result: the superior's decision is final (PP 30/2019 art. 59).
    Column("appraisal_id", String(36), nullable=False, unique=True),
    Column("reasons", Text, nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("filed_at", UtcDateTime(), nullable=False),
    Column("superior_nip", String(18), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(18), nullable=True),
    Column("decision_reason", Text, nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("revised_appraisal_id", String(36), nullable=True),
    # "Objections I filed" (the superior's side has superior_nip's index).
    Index("ix_objections_employee", "agency_id", "nip"),
)

# The organisation's own predikat for a period (SE MenPANRB 3/2023: the result of the agency's
# performance evaluation), as the agency's HR records it: the curve its employees' predikat are
# calibrated against. The province view reads it; no row means it is not known.
organisation_predikats = Table(
    "organisation_predikats",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("predikat", String(32), nullable=False),
    Column("set_by", String(18), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
)
