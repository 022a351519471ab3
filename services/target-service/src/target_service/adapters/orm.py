"""target-service's own tables: the province's agencies, roster and work units, periods with
checkpoints and IKU, SKP versions with their RHK and IKI, realisations and the appraiser's
feedback notes."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

employees = Table(
    "employees",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("nip", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("position", String(200), nullable=False),
    Column("unit", String(200), nullable=False),
    Column("appraiser_nip", String(18), nullable=True),
    Column("unit_id", String(128), nullable=True),
    # An appraiser's team (and the roster page filtered by appraiser), and a unit's members, in NIP order.
    Index("ix_employees_team", "agency_id", "appraiser_nip", "nip"),
    Index("ix_employees_unit", "agency_id", "unit_id", "nip"),
)

# The province's agency registry (issue 11): name, kind and the time zone its days are counted in.
agencies = Table(
    "agencies",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
)

work_units = Table(
    "work_units",
    metadata,
    Column("agency_id", String(64), primary_key=True),
    Column("unit_id", String(128), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parent_unit_id", String(128), nullable=True),
    Column("head_nip", String(18), nullable=True),
    Column("serves_public", Boolean, nullable=False),
)

periods = Table(
    "periods",
    metadata,
    Column("period_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=True),
    UniqueConstraint("agency_id", "year", name="uq_periods_agency_year"),
)

period_checkpoints = Table(
    "period_checkpoints",
    metadata,
    Column("period_id", String(36), ForeignKey("periods.period_id"), primary_key=True),
    Column("checkpoint_id", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("position", Integer, nullable=False),
)

iku = Table(
    "iku",
    metadata,
    Column("iku_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(36), ForeignKey("periods.period_id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("target", Float, nullable=False),
    Column("unit", String(100), nullable=False),
    Column("higher_is_better", Boolean, nullable=False),
    UniqueConstraint("period_id", "code", name="uq_iku_period_code"),
)

# One row per SKP; ``version`` (in force) and ``status`` (of the latest version) summarise
# skp_versions for listing and for the period close.
skp = Table(
    "skp",
    metadata,
    Column("skp_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(36), ForeignKey("periods.period_id"), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("version", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    UniqueConstraint("agency_id", "period_id", "nip", name="uq_skp_employee_period"),
    # An employee's SKPs across periods (the unique constraint leads with the period).
    Index("ix_skp_employee", "agency_id", "nip", "period_id"),
)

skp_versions = Table(
    "skp_versions",
    metadata,
    Column("skp_id", String(36), ForeignKey("skp.skp_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("notes", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Column("approved_by", String(18), nullable=True),
    Column("approved_at", UtcDateTime(), nullable=True),
    # When the version was drafted and first submitted (the province's SKP progress by date);
    # null for versions stored before these were kept (migration 0090_skp_progress_times).
    Column("drafted_at", UtcDateTime(), nullable=True),
    Column("submitted_at", UtcDateTime(), nullable=True),
)

# An RHK id repeats across versions of one SKP when a revision keeps the RHK.
skp_rhk = Table(
    "skp_rhk",
    metadata,
    Column("skp_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("rhk_id", String(36), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("supports_rhk_id", String(36), nullable=True, index=True),
    Column("iku_id", String(36), nullable=True, index=True),
    Column("position", Integer, nullable=False),
    ForeignKeyConstraint(
        ["skp_id", "version"], ["skp_versions.skp_id", "skp_versions.version"], name="fk_skp_rhk_version"
    ),
)

skp_iki = Table(
    "skp_iki",
    metadata,
    Column("skp_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("iki_id", String(36), primary_key=True),
    Column("rhk_id", String(36), nullable=False),
    Column("aspect", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("target", Float, nullable=False),
    Column("unit", String(100), nullable=False),
    Column("higher_is_better", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    ForeignKeyConstraint(
        ["skp_id", "version", "rhk_id"], ["skp_rhk.skp_id", "skp_rhk.version", "skp_rhk.rhk_id"], name="fk_skp_iki_rhk"
    ),
)

# ``iki_id`` names an IKI of the version in force when it was recorded (no foreign key: the
# IKI row is per version).
realizations = Table(
    "realizations",
    metadata,
    Column("realization_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("skp_id", String(36), ForeignKey("skp.skp_id"), nullable=False, index=True),
    Column("iki_id", String(36), nullable=False),
    Column("checkpoint_id", String(64), nullable=True),
    Column("value", Float, nullable=False),
    Column("evidence", Text, nullable=True),
    Column("recorded_by", String(18), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    # Closing a period counts each SKP's realisations within the agency.
    Index("ix_realizations_agency", "agency_id", "skp_id"),
)

rhk_feedback = Table(
    "rhk_feedback",
    metadata,
    Column("feedback_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("skp_id", String(36), ForeignKey("skp.skp_id"), nullable=False, index=True),
    Column("rhk_id", String(36), nullable=False),
    Column("checkpoint_id", String(64), nullable=True),
    Column("note", Text, nullable=False),
    Column("given_by", String(18), nullable=False),
    Column("given_at", UtcDateTime(), nullable=False),
)

# A move into another agency waits here until the receiving agency's HR decides.
# ``pending_nip`` is the NIP while the request is pending and NULL after: with the unique
# constraint, one pending request per employee of the sending agency (NULLs never collide,
# on PostgreSQL and SQLite alike).
transfer_requests = Table(
    "transfer_requests",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("nip", String(18), nullable=False),
    Column("name", String(200), nullable=False),
    Column("position", String(200), nullable=False),
    Column("from_agency_id", String(64), nullable=False),
    Column("to_agency_id", String(64), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("proposed_unit_id", String(128), nullable=True),
    Column("proposed_position", String(200), nullable=True),
    Column("status", String(16), nullable=False),
    Column("pending_nip", String(18), nullable=True),
    Column("requested_by", String(18), nullable=False),
    Column("requested_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(18), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("reason", String(200), nullable=True),
    UniqueConstraint("from_agency_id", "pending_nip", name="uq_transfer_requests_pending"),
    # Each agency's HR lists its incoming and its outgoing requests, by status, oldest first.
    Index("ix_transfer_requests_incoming", "to_agency_id", "status", "requested_at"),
    Index("ix_transfer_requests_outgoing", "from_agency_id", "status", "requested_at"),
)
