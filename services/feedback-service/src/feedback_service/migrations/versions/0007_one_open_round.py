"""one open feedback round per employee, period and checkpoint: a partial unique index

Revision ID: 0007
Revises: 0005

The use case checks for an open round before opening one, but two concurrent opens both pass
that check on PostgreSQL (issue 8, item 12); the index makes the second one fail. A null
checkpoint (a period without checkpoints) is coalesced to '' so that two such rounds collide
too. Rounds already duplicated would make the index fail to build: the older duplicates are
closed first, keeping the latest one open.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN_ROUND = "status = 'open'"


def upgrade() -> None:
    op.execute(sa.text("""
        UPDATE feedback_rounds SET status = 'closed', closed_at = CURRENT_TIMESTAMP
        WHERE status = 'open' AND EXISTS (
            SELECT 1 FROM feedback_rounds AS later
            WHERE later.status = 'open' AND later.agency_id = feedback_rounds.agency_id
              AND later.period_id = feedback_rounds.period_id AND later.nip = feedback_rounds.nip
              AND COALESCE(later.checkpoint_id, '') = COALESCE(feedback_rounds.checkpoint_id, '')
              AND (later.opened_at > feedback_rounds.opened_at
                   OR (later.opened_at = feedback_rounds.opened_at AND later.round_id > feedback_rounds.round_id))
        )
    """))
    op.create_index(
        "uq_feedback_rounds_open", "feedback_rounds",
        ["agency_id", "period_id", "nip", sa.text("coalesce(checkpoint_id, '')")], unique=True,
        postgresql_where=sa.text(OPEN_ROUND), sqlite_where=sa.text(OPEN_ROUND),
    )


def downgrade() -> None:
    op.drop_index("uq_feedback_rounds_open", table_name="feedback_rounds")
