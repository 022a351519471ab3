"""feedback projection applied by submission time: a late or replayed older submission of a
form does not roll its ratings back (issue 8, item 13)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-10 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feedback_answers') as batch:
        batch.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('feedback_answers') as batch:
        batch.drop_column('submitted_at')
