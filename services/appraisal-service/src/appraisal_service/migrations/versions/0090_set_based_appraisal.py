"""set-based appraisal: realisations read by SKP, the due queue claimed in batches

Revision ID: 0090
Revises: 0004
Create Date: 2026-12-01 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0090'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_realizations_skp_id', 'realizations', ['skp_id'], unique=False)
    with op.batch_alter_table('appraisals_due') as batch:
        batch.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_appraisals_due_pending', 'appraisals_due', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_appraisals_due_pending', table_name='appraisals_due')
    with op.batch_alter_table('appraisals_due') as batch:
        batch.drop_column('queued_at')
    op.drop_index('ix_realizations_skp_id', table_name='realizations')
