"""dead-letter replays: the dead-letter records kinerja-admin sent back to their topics, so a
second replay of one does nothing unless asked (kinerja_runtime.tables.dead_letter_replays)

Revision ID: delivery_0091
Revises: delivery_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "delivery_0091"
down_revision = "delivery_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dead_letter_replays",
        sa.Column("dead_letter_partition", sa.Integer(), nullable=False),
        sa.Column("dead_letter_offset", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("original_topic", sa.String(length=200), nullable=False),
        sa.Column("replay_id", sa.String(length=36), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dead_letter_partition", "dead_letter_offset", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("dead_letter_replays")
