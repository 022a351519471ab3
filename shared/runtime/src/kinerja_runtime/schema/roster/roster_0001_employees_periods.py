"""roster projection: employees and periods (kinerja_runtime.roster)

Revision ID: roster_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_0001"
down_revision = None
branch_labels = ("roster",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_employees",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("appraiser_nip", sa.String(length=18), nullable=True),
        sa.PrimaryKeyConstraint("agency_id", "nip"),
    )
    op.create_table(
        "known_periods",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "period_id"),
    )


def downgrade() -> None:
    op.drop_table("known_periods")
    op.drop_table("known_employees")
