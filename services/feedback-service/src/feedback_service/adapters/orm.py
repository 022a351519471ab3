"""feedback-service's own tables."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import JSON, Column, MetaData, String, Table, Text

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False, index=True),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    # Kept for audit and one-answer-per-giver rules; never published nor shown to the employee.
    Column("giver_nip", String(18), nullable=False),
    Column("ratings", JSON, nullable=False),
    Column("comment", Text, nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
)
