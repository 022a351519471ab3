"""indexes for the per-employee and per-team reads: proposal inputs, team lists, the due queue and objections

Revision ID: 0006
Revises: 0005

Every query that runs once per employee or per team is served by an index (issue 7): without
one PostgreSQL scans the agency's (or the deployment's) rows for each employee.
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = "roster_0003"  # the roster projection's indexes (kinerja_runtime.schema, ADR 0012)


def upgrade() -> None:
    op.create_index("ix_realizations_skp", "realizations", ["skp_id", "recorded_at", "realization_id"])
    op.create_index("ix_feedback_answers_employee", "feedback_answers", ["agency_id", "period_id", "nip", "checkpoint_id"])
    op.create_index("ix_citizen_ratings_officer", "citizen_ratings", ["agency_id", "period_id", "officer_nip", "answered_at"])
    op.create_index("ix_appraisals_due_pending", "appraisals_due", ["status", "due_at"])
    op.create_index("ix_objections_employee", "objections", ["agency_id", "nip"])


def downgrade() -> None:
    op.drop_index("ix_objections_employee", table_name="objections")
    op.drop_index("ix_appraisals_due_pending", table_name="appraisals_due")
    op.drop_index("ix_citizen_ratings_officer", table_name="citizen_ratings")
    op.drop_index("ix_feedback_answers_employee", table_name="feedback_answers")
    op.drop_index("ix_realizations_skp", table_name="realizations")
