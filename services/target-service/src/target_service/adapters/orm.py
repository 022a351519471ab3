"""target-service's own tables: the roster, periods, SKPs with their RHK and IKI, realisations."""

from kinerja_runtime.db import UtcDateTime
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
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

skp = Table(
    "skp",
    metadata,
    Column("skp_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("period_id", String(36), ForeignKey("periods.period_id"), nullable=False),
    Column("nip", String(18), nullable=False),
    Column("version", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("notes", Text, nullable=True),
    Column("approved_by", String(18), nullable=True),
    Column("approved_at", UtcDateTime(), nullable=True),
    UniqueConstraint("agency_id", "period_id", "nip", name="uq_skp_employee_period"),
)

rhk = Table(
    "rhk",
    metadata,
    Column("rhk_id", String(36), primary_key=True),
    Column("skp_id", String(36), ForeignKey("skp.skp_id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

iki = Table(
    "iki",
    metadata,
    Column("iki_id", String(36), primary_key=True),
    Column("rhk_id", String(36), ForeignKey("rhk.rhk_id"), nullable=False, index=True),
    Column("aspect", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("target", Float, nullable=False),
    Column("unit", String(100), nullable=False),
    Column("higher_is_better", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
)

realizations = Table(
    "realizations",
    metadata,
    Column("realization_id", String(36), primary_key=True),
    Column("agency_id", String(64), nullable=False),
    Column("skp_id", String(36), ForeignKey("skp.skp_id"), nullable=False, index=True),
    Column("iki_id", String(36), ForeignKey("iki.iki_id"), nullable=False),
    Column("value", Float, nullable=False),
    Column("evidence", Text, nullable=True),
    Column("recorded_by", String(18), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)
