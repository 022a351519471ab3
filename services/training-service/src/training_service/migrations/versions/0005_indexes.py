"""indexes for the per-employee and per-team reads: plan lists by employee and period, plan decisions and the JP ledger

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
    # Replaced by the composite indexes below, which lead with agency_id.
    op.drop_index("ix_plan_decisions_agency_id", table_name="plan_decisions")
    op.drop_index("ix_plans_agency_id", table_name="plans")
    op.create_index("ix_plan_decisions_period", "plan_decisions", ["agency_id", "period_id", "nip", "revision"])
    op.create_index("ix_plan_decisions_employee", "plan_decisions", ["agency_id", "nip", "decided_at"])
    op.create_index("ix_plans_employee", "plans", ["agency_id", "nip", "created_at"])
    op.create_index("ix_plans_year", "plans", ["agency_id", "year"])
    op.create_index("ix_jp_ledger_employee", "jp_ledger", ["agency_id", "nip", "year"])
    op.create_index("ix_jp_ledger_year", "jp_ledger", ["agency_id", "year"])


def downgrade() -> None:
    op.drop_index("ix_jp_ledger_year", table_name="jp_ledger")
    op.drop_index("ix_jp_ledger_employee", table_name="jp_ledger")
    op.drop_index("ix_plans_year", table_name="plans")
    op.drop_index("ix_plans_employee", table_name="plans")
    op.drop_index("ix_plan_decisions_employee", table_name="plan_decisions")
    op.drop_index("ix_plan_decisions_period", table_name="plan_decisions")
    op.create_index("ix_plans_agency_id", "plans", ["agency_id"])
    op.create_index("ix_plan_decisions_agency_id", "plan_decisions", ["agency_id"])
