"""agencies: the province's agency registry, each agency's name, kind and time zone (issue 11)

Revision ID: 0008_agencies
Revises: 0007_skp_progress_times
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_agencies"
down_revision = "0007_skp_progress_times"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id"),
    )


def downgrade() -> None:
    op.drop_table("agencies")
