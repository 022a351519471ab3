"""access log: who read or changed an employee's personal record, when, which record and
through which route, never its content (UU 27/2022; kinerja_runtime.access_log, ADR 0008)

Revision ID: access_log_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "access_log_0001"
down_revision = None
branch_labels = ("access_log",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("subject_nip", sa.String(length=18), nullable=False),
        sa.Column("accessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_nip", sa.String(length=64), nullable=False),
        sa.Column("actor_roles", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_log_subject", "access_log", ["agency_id", "subject_nip", "id"])
    op.create_index("ix_access_log_accessed_at", "access_log", ["accessed_at"])


def downgrade() -> None:
    op.drop_index("ix_access_log_accessed_at", table_name="access_log")
    op.drop_index("ix_access_log_subject", table_name="access_log")
    op.drop_table("access_log")
