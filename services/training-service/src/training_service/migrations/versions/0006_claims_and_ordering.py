"""JP claims (self-recorded training waits for verification) and ordered projections (annual
results by revision, withdrawn talent-pool nominations)

Revision ID: 0006
Revises: 0005

Rows already in the ledger stay "verified": each was announced (TrainingCompleted) under the
rule of its time and subscribers counted it; re-opening them would make the ledger disagree
with what was published. Stored annual results are revision 1 unless a later revision is
known from the plan decisions; nominations stored so far stand.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jp_ledger") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="verified"))
        batch.add_column(sa.Column("reviewed_by", sa.String(length=18), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("review_note", sa.String(length=500), nullable=True))
    with op.batch_alter_table("annual_results") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    # The stored result is the appraisal its decision names; that decision knows its revision.
    op.execute(
        "UPDATE annual_results SET revision = COALESCE((SELECT d.revision FROM plan_decisions d"
        " WHERE d.appraisal_id = annual_results.appraisal_id), 1)"
    )
    with op.batch_alter_table("talent_nominations") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="nominated"))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_appraisal_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("talent_nominations") as batch:
        for column in ("withdrawn_by_appraisal_id", "withdrawn_at", "status"):
            batch.drop_column(column)
    with op.batch_alter_table("annual_results") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("jp_ledger") as batch:
        for column in ("review_note", "reviewed_at", "reviewed_by", "status"):
            batch.drop_column(column)
