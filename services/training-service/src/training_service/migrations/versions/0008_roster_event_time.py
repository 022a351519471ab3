"""roster projection applied by event time: the runtime's revision roster_0004 (kinerja_runtime.schema,
ADR 0012), on which this one depends, migrates it for every service

Revision ID: 0008
Revises: 0007
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = "roster_0004"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
