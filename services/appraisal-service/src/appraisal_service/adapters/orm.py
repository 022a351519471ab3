"""appraisal-service's tables: its projections of other services' events, the work queue of
appraisals due after a period closes, and the appraisals themselves."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import JSON, Column, Float, Integer, MetaData, String, Table, UniqueConstraint

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
)

# One row per employee once their period closes: the appraisal to produce when the
# projections hold everything target-service had at close time.
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
)

appraisals = Table(
    "appraisals",
    metadata,
    Column("appraisal_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("rating_hasil_kerja", String(32), nullable=False),
    Column("rating_perilaku", String(32), nullable=False),
    Column("predikat", String(32), nullable=False),
    Column("policy_version", String(64), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("completed_at", UtcDateTime(), nullable=False),
    UniqueConstraint("agency_id", "period_id", "nip", name="uq_appraisal_per_employee_period"),
)
