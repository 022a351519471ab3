"""roster projection indexes: an appraiser's team, a unit's members, the units a person heads
(issue 7: every query run once per employee or per team is served by an index)

Revision ID: roster_0003
Revises: roster_0002
"""

from alembic import op

revision = "roster_0003"
down_revision = "roster_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_known_employees_team", "known_employees", ["agency_id", "appraiser_nip", "nip"])
    op.create_index("ix_known_employees_unit", "known_employees", ["agency_id", "unit_id", "nip"])
    op.create_index("ix_known_units_head", "known_units", ["agency_id", "head_nip", "unit_id"])


def downgrade() -> None:
    op.drop_index("ix_known_units_head", table_name="known_units")
    op.drop_index("ix_known_employees_unit", table_name="known_employees")
    op.drop_index("ix_known_employees_team", table_name="known_employees")
