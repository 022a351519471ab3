"""access log: done by the runtime's revision access_log_0001, which this one depends on (ADR 0012)"""

revision, down_revision = "0006", "0005"
branch_labels, depends_on = None, "access_log_0001"


def upgrade() -> None: ...


def downgrade() -> None: ...
