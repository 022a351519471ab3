"""outbox parking: done by the runtime's revision delivery_0002, which this one depends on (ADR 0012)"""

revision, down_revision = "0004", "0003"
branch_labels, depends_on = None, "delivery_0002"


def upgrade() -> None: ...


def downgrade() -> None: ...
