"""roster projection: work units, unit ids, period checkpoints: the runtime's revision roster_0002 (kinerja_runtime.schema,
ADR 0012), on which this one depends, migrates it for every service

Revision ID: 0002
Revises: 0001
"""

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = "roster_0002"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
