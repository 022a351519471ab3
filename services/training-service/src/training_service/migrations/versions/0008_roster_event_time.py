"""roster projection applied by event time: done by the runtime's revision roster_0004, which this one depends on (ADR 0012)"""

revision, down_revision = "0008", "0007"
branch_labels, depends_on = None, "roster_0004"


def upgrade() -> None: ...


def downgrade() -> None: ...
