"""roster projection applied by event time: the time of the event that last set each
employee, unit and period row, and each employee's last departure from an agency
(kinerja_runtime.roster; issue 8, item 13)

Revision ID: roster_0004
Revises: roster_0003

Rows projected before keep a null time, which any event replaces.
"""

import sqlalchemy as sa
from alembic import op

revision = "roster_0004"
down_revision = "roster_0003"
branch_labels = None
depends_on = None

TABLES = ("known_employees", "known_units", "known_periods")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "known_departures",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "nip"),
    )


def downgrade() -> None:
    op.drop_table("known_departures")
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("changed_at")
