"""training-service's tables: the catalogue, every plan decision, plans and their items."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table

metadata = MetaData()

catalogue = Table(
    "catalogue",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("competency", String(64), nullable=False, index=True),
    Column("form", String(16), nullable=False),
    Column("method", String(64), nullable=False),
    Column("jp", Integer, nullable=False),
    Column("provider", String(200), nullable=False),
    Column("modality", String(64), nullable=False),
)

# Every AppraisalCompleted leads to one decision, a plan or a recorded "no plan needed".
plan_decisions = Table(
    "plan_decisions",
    metadata,
    Column("appraisal_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False, index=True),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("predikat", String(32), nullable=False),
    Column("required", Boolean, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("plan_id", String(36), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=False),
)

plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False, index=True),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("appraisal_id", String(128), nullable=False, unique=True),
    Column("predikat", String(32), nullable=False),
    Column("total_jp", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("item_id", String(36), primary_key=True),
    Column("plan_id", String(36), nullable=False, index=True),
    Column("competency", String(64), nullable=False),
    Column("gap_kind", String(16), nullable=False),
    Column("gap", String(128), nullable=False),
    Column("catalogue_code", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("form", String(16), nullable=False),
    Column("method", String(64), nullable=False),
    Column("jp", Integer, nullable=False),
    Column("mentor_nip", String(18), nullable=True),
)
