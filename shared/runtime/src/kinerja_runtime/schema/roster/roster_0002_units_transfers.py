"""roster projection: work units, unit ids, period checkpoints

Revision ID: roster_0002
Revises: roster_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_0002"
down_revision = "roster_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_units",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_unit_id", sa.String(length=128), nullable=True),
        sa.Column("head_nip", sa.String(length=18), nullable=True),
        sa.Column("serves_public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "unit_id"),
    )
    with op.batch_alter_table("known_employees") as batch:
        batch.add_column(sa.Column("unit_id", sa.String(length=128), nullable=True))
    with op.batch_alter_table("known_periods") as batch:
        batch.add_column(sa.Column("checkpoints", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("known_periods") as batch:
        batch.drop_column("checkpoints")
    with op.batch_alter_table("known_employees") as batch:
        batch.drop_column("unit_id")
    op.drop_table("known_units")
