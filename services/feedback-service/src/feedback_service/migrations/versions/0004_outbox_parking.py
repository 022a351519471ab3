"""outbox parking: the runtime's revision delivery_0002 (kinerja_runtime.schema,
ADR 0012), on which this one depends, migrates it for every service

Revision ID: 0004
Revises: 0003
"""

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = "delivery_0002"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
