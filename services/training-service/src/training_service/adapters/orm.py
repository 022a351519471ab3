"""training-service's tables: the catalogue, every plan decision, plans and their items,
the JP ledger, and the annual results behind talent-pool nominations."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text, false, true

metadata = MetaData()

# The seeded catalogue, shared by every agency.
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

# Items an agency's HR imported; an agency item replaces a seeded one of the same code for
# that agency only, so one agency's import never changes another's plans.
agency_catalogue = Table(
    "agency_catalogue",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("competency", String(64), nullable=False),
    Column("form", String(16), nullable=False),
    Column("method", String(64), nullable=False),
    Column("jp", Integer, nullable=False),
    Column("provider", String(200), nullable=False),
    Column("modality", String(64), nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
)

# Every AppraisalCompleted / AppraisalRevised leads to one decision: a plan (mandatory or
# recommended), a recorded "no plan needed", or (periodic appraisals) "recorded only".
plan_decisions = Table(
    "plan_decisions",
    metadata,
    Column("appraisal_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("predikat", String(32), nullable=False),
    Column("required", Boolean, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("plan_id", String(36), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=False),
    Column("kind", String(16), nullable=False, server_default="annual"),
    Column("checkpoint_id", String(128), nullable=True),
    Column("revision", Integer, nullable=False, server_default="1"),
    Column("supersedes_appraisal_id", String(128), nullable=True),
    Column("recommended", Boolean, nullable=False, server_default=false()),
    # HR's page of a period's decisions, and an employee's decisions, each in its listed order.
    Index("ix_plan_decisions_period", "agency_id", "period_id", "nip", "revision"),
    Index("ix_plan_decisions_employee", "agency_id", "nip", "decided_at"),
)

plans = Table(
    "plans",
    metadata,
    Column("plan_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False, index=True),
    Column("appraisal_id", String(128), nullable=False, unique=True),
    Column("predikat", String(32), nullable=False),
    Column("total_jp", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # active | completed | superseded
    Column("created_at", UtcDateTime(), nullable=False),
    Column("mandatory", Boolean, nullable=False, server_default=true()),
    Column("year", Integer, nullable=True),  # the year whose 20 JP the plan tops up
    Column("supersedes_plan_id", String(36), nullable=True),
    Column("superseded_by_plan_id", String(36), nullable=True),
    Column("completed_jp_kept", Integer, nullable=False, server_default="0"),
    # An employee's plans in order (and the plan a revision supersedes); a year's plans for the report.
    Index("ix_plans_employee", "agency_id", "nip", "created_at"),
    Index("ix_plans_year", "agency_id", "year"),
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
    Column("mandatory", Boolean, nullable=False, server_default=true()),
    Column("due_on", Date, nullable=True),
    Column("status", String(16), nullable=False, server_default="planned"),  # planned | enrolled | completed
    Column("enrolled_at", UtcDateTime(), nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("evidence", String(500), nullable=True),
)

# Every completed activity, in a plan or not: the JP an employee has for a year. Training an
# employee records for themselves outside any plan is "claimed" until HR or their current
# appraiser verifies it (or rejects it, with a note); only "verified" JP count.
jp_ledger = Table(
    "jp_ledger",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("year", Integer, nullable=False),
    Column("jp", Integer, nullable=False),
    Column("catalogue_code", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("competency", String(64), nullable=True),
    Column("plan_id", String(36), nullable=True),
    Column("item_id", String(36), nullable=True, unique=True),  # an item is credited once
    Column("evidence", String(500), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("recorded_by", String(18), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("status", String(16), nullable=False, server_default="verified"),  # claimed | verified | rejected
    Column("reviewed_by", String(18), nullable=True),
    Column("reviewed_at", UtcDateTime(), nullable=True),
    Column("review_note", String(500), nullable=True),
    # An employee's JP of a year (ledger page, plan top-up); the agency's year for the report.
    Index("ix_jp_ledger_employee", "agency_id", "nip", "year"),
    Index("ix_jp_ledger_year", "agency_id", "year"),
)

# One row per employee and period, from annual appraisals only; a later revision replaces it,
# an older one arriving late (or replayed) does not.
annual_results = Table(
    "annual_results",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("period_id", String(64), primary_key=True),
    Column("year", Integer, nullable=True),  # null until the period reaches the roster projection
    Column("predikat", String(32), nullable=False),
    Column("appraisal_id", String(128), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("revision", Integer, nullable=False, server_default="1"),  # the appraisal's revision number
)

talent_nominations = Table(
    "talent_nominations",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("year", Integer, primary_key=True),  # the later of the two years
    Column("first_year", Integer, nullable=False),
    Column("appraisal_ids", String(300), nullable=False),  # "first,second"
    Column("nominated_at", UtcDateTime(), nullable=False),
    # A revision that lowers one of the two years withdraws the nomination; one raising it back nominates again.
    Column("status", String(16), nullable=False, server_default="nominated"),  # nominated | withdrawn
    Column("withdrawn_at", UtcDateTime(), nullable=True),
    Column("withdrawn_by_appraisal_id", String(128), nullable=True),
)

# RecognitionGiven, as feedback-service announced it: evidence shown with a talent-pool nomination.
recognitions = Table(
    "recognitions",
    metadata,
    Column("recognition_id", String(128), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("period_id", String(128), nullable=False),
    Column("checkpoint_id", String(128), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("given_by_nip", String(18), nullable=False),
    Column("given_at", UtcDateTime(), nullable=False),
    Index("ix_recognitions_employee", "agency_id", "nip", "given_at"),
)
