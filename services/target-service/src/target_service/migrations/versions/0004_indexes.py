"""indexes for the per-employee and per-team reads: an employee's SKPs, appraiser teams, unit
members, and the realisations counted at period close

Revision ID: 0004
Revises: 0003

Every query that runs once per employee or per team is served by an index (issue 7): without
one PostgreSQL scans the agency's (or the deployment's) rows for each employee.
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_employees_team", "employees", ["agency_id", "appraiser_nip", "nip"])
    op.create_index("ix_employees_unit", "employees", ["agency_id", "unit_id", "nip"])
    op.create_index("ix_skp_employee", "skp", ["agency_id", "nip", "period_id"])
    op.create_index("ix_realizations_agency", "realizations", ["agency_id", "skp_id"])


def downgrade() -> None:
    op.drop_index("ix_realizations_agency", table_name="realizations")
    op.drop_index("ix_skp_employee", table_name="skp")
    op.drop_index("ix_employees_unit", table_name="employees")
    op.drop_index("ix_employees_team", table_name="employees")
