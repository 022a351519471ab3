"""feedback-service's own tables."""

from kinerja_contracts.vocabulary import SkmElement
from kinerja_runtime.db import UtcDateTime
from sqlalchemy import (
    JSON,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    # Kept for audit and one-answer-per-giver rules; never published nor shown to the employee.
    Column("giver_nip", String(18), nullable=False),
    Column("ratings", JSON, nullable=False),
    Column("comment", Text, nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
    # Null for feedback given outside a round (the older POST /feedback path).
    Column("round_id", String(36), nullable=True, index=True),
    Column("checkpoint_id", String(128), nullable=True),
    UniqueConstraint("round_id", "giver_nip", name="uq_feedback_round_giver"),
    # An employee's feedback of a period given outside rounds.
    Index("ix_feedback_employee", "agency_id", "period_id", "nip"),
)

feedback_rounds = Table(
    "feedback_rounds",
    metadata,
    Column("round_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("checkpoint_id", String(128), nullable=True),
    Column("status", String(16), nullable=False),
    Column("opened_by", String(18), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    Index("ix_feedback_rounds_employee", "agency_id", "period_id", "nip"),
)
# One open round per employee, period and checkpoint, even when two opens race (issue 8,
# item 12). A period without checkpoints has a null checkpoint_id, which a unique index would
# treat as distinct each time; the coalesce makes two such rounds collide too.
OPEN_ROUND = "status = 'open'"
Index(
    "uq_feedback_rounds_open",
    feedback_rounds.c.agency_id,
    feedback_rounds.c.period_id,
    feedback_rounds.c.nip,
    func.coalesce(feedback_rounds.c.checkpoint_id, ""),
    unique=True,
    postgresql_where=text(OPEN_ROUND),
    sqlite_where=text(OPEN_ROUND),
)

round_givers = Table(
    "feedback_round_givers",
    metadata,
    Column("round_id", String(36), nullable=False),
    Column("giver_nip", String(18), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    PrimaryKeyConstraint("round_id", "giver_nip"),
)

# One column per SKM element, so a unit's totals are a portable SUM() over its answers.
citizen_survey_answers = Table(
    "citizen_survey_answers",
    metadata,
    Column("answer_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("unit_id", String(128), nullable=False),
    Column("period_id", String(64), nullable=False),
    # The client's own id for the submission: a repeat of it is a duplicate, not a new answer.
    Column("submission_id", String(64), nullable=False),
    *(Column(element.value, SmallInteger, nullable=False) for element in SkmElement),
    Column("officer_nip", String(18), nullable=True),
    Column("comment", Text, nullable=True),
    Column("answered_at", UtcDateTime(), nullable=False),
    UniqueConstraint("agency_id", "unit_id", "submission_id", name="uq_citizen_survey_submission"),
    Index("ix_citizen_survey_unit_period", "agency_id", "unit_id", "period_id"),
    # A checkpoint's ratings per officer (recognition candidates): the answers naming an officer.
    Index("ix_citizen_survey_officer", "agency_id", "period_id", "officer_nip", "answered_at"),
)

unit_satisfaction = Table(
    "unit_satisfaction",
    metadata,
    Column("agency_id", String(64), nullable=False),
    Column("unit_id", String(128), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("answers", Integer, nullable=False),
    Column("ikm", Float, nullable=False),
    Column("mutu", String(1), nullable=False),
    Column("element_means", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("agency_id", "unit_id", "period_id"),
)

recognitions = Table(
    "recognitions",
    metadata,
    Column("recognition_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("period_id", String(64), nullable=False),
    # Null for a recognition of the whole period (a leader's, or in a period without checkpoints).
    Column("checkpoint_id", String(128), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("given_by_nip", String(18), nullable=False),
    Column("given_at", UtcDateTime(), nullable=False),
    Index("ix_recognitions_employee", "agency_id", "nip", "given_at"),
)
# One recognition of a kind per employee, period and checkpoint, even when two records race; a
# null checkpoint is coalesced so that two recognitions of the whole period collide too.
Index(
    "uq_recognitions_once",
    recognitions.c.agency_id,
    recognitions.c.nip,
    recognitions.c.period_id,
    func.coalesce(recognitions.c.checkpoint_id, ""),
    recognitions.c.kind,
    unique=True,
)
