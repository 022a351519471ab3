"""SKP versions keep when they were drafted and first submitted (approved_at was kept already),
for the province's SKP progress by date (issue 11)

Revision ID: 0007_skp_progress_times
Revises: 0006

Versions stored before stay without these times: the progress report counts them from the
times they have (an approved version was drafted and submitted by its approval).
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_skp_progress_times"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('skp_versions') as batch:
        batch.add_column(sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('skp_versions') as batch:
        batch.drop_column('submitted_at')
        batch.drop_column('drafted_at')
