"""traces: the trace context of the close that queued a due appraisal (ADR 0014)

Revision ID: 0013_due_trace
Revises: 0012_organisation_predikat
Create Date: 2027-02-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_due_trace"
down_revision = "0012_organisation_predikat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appraisals_due") as batch:
        batch.add_column(sa.Column("trace", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appraisals_due") as batch:
        batch.drop_column("trace")
