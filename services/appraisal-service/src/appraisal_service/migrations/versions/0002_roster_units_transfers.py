"""roster projection: work units, unit ids, period checkpoints: done by the runtime's revision roster_0002, which this one depends on (ADR 0012)"""

revision, down_revision = "0002", "0001"
branch_labels, depends_on = None, "roster_0002"


def upgrade() -> None: ...


def downgrade() -> None: ...
