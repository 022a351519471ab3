"""outbox parking: rows the broker refused are kept with the reason (parked_at, parked_reason)
and passed over; a partial index serves the relay's queue, another the operators' list (ADR 0006)

Revision ID: delivery_0002
Revises: delivery_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "delivery_0002"
down_revision = "delivery_0001"
branch_labels = None
depends_on = None

QUEUED = "published_at IS NULL AND parked_at IS NULL"
PARKED = "parked_at IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("parked_reason", sa.Text(), nullable=True))
    op.create_index(
        "ix_outbox_queued",
        "outbox",
        ["id"],
        unique=False,
        postgresql_where=sa.text(QUEUED),
        sqlite_where=sa.text(QUEUED),
    )
    op.create_index(
        "ix_outbox_parked",
        "outbox",
        ["parked_at"],
        unique=False,
        postgresql_where=sa.text(PARKED),
        sqlite_where=sa.text(PARKED),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_parked", table_name="outbox")
    op.drop_index("ix_outbox_queued", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("parked_reason")
        batch.drop_column("parked_at")
