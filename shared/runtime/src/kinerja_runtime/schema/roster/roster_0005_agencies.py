"""roster projection: the province's agency registry (AgencyRegistered), whose time zones
decide each agency's days (kinerja_runtime.roster, kinerja_runtime.clock; issue 11)

Revision ID: roster_0005
Revises: roster_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_0005"
down_revision = "roster_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_agencies",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("agency_id"),
    )


def downgrade() -> None:
    op.drop_table("known_agencies")
