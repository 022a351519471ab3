"""the organisation predikat an agency's HR records for a period (the curve of its calibration),
read by the province view (issue 11)

Revision ID: 0012_organisation_predikat
Revises: 0011
Create Date: 2027-01-10 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_organisation_predikat"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'organisation_predikats',
        sa.Column('agency_id', sa.String(length=64), nullable=False),
        sa.Column('period_id', sa.String(length=64), nullable=False),
        sa.Column('predikat', sa.String(length=32), nullable=False),
        sa.Column('set_by', sa.String(length=18), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('agency_id', 'period_id'),
    )


def downgrade() -> None:
    op.drop_table('organisation_predikats')
