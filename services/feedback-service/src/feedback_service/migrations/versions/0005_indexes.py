"""indexes for the per-employee and per-team reads: team lists, unit members and heads, an employee's feedback outside rounds

Revision ID: 0005
Revises: 0004

Every query that runs once per employee or per team is served by an index (issue 7): without
one PostgreSQL scans the agency's (or the deployment's) rows for each employee.
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = "roster_0003"  # the roster projection's indexes (kinerja_runtime.schema, ADR 0012)


def upgrade() -> None:
    # Replaced by ix_feedback_employee, which leads with agency_id.
    op.drop_index("ix_feedback_agency_id", table_name="feedback")
    op.create_index("ix_feedback_employee", "feedback", ["agency_id", "period_id", "nip"])


def downgrade() -> None:
    op.drop_index("ix_feedback_employee", table_name="feedback")
    op.create_index("ix_feedback_agency_id", "feedback", ["agency_id"])
