"""access log: the runtime's revision access_log_0001 (kinerja_runtime.schema,
ADR 0012), on which this one depends, migrates it for every service

Revision ID: 0006
Revises: 0005
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = "access_log_0001"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
