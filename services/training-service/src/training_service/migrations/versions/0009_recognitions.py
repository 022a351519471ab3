"""recognitions (issue 11): RecognitionGiven projected, for the talent pool's evidence

Revision ID: 0009_recognitions
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_recognitions"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recognitions",
        sa.Column("recognition_id", sa.String(length=128), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("period_id", sa.String(length=128), nullable=False),
        sa.Column("checkpoint_id", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("given_by_nip", sa.String(length=18), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("recognition_id"),
    )
    op.create_index("ix_recognitions_employee", "recognitions", ["agency_id", "nip", "given_at"])


def downgrade() -> None:
    op.drop_index("ix_recognitions_employee", table_name="recognitions")
    op.drop_table("recognitions")
