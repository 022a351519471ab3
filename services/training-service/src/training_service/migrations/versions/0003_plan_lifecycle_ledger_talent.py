"""plan lifecycle, agency catalogue, JP ledger, annual results and talent pool

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_catalogue",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("modality", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "code"),
    )
    op.create_table(
        "jp_ledger",
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("catalogue_code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=True),
        sa.Column("item_id", sa.String(length=36), nullable=True),
        sa.Column("evidence", sa.String(length=500), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=18), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_id"),
        sa.UniqueConstraint("item_id"),
    )
    op.create_table(
        "annual_results",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("predikat", sa.String(length=32), nullable=False),
        sa.Column("appraisal_id", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "nip", "period_id"),
    )
    op.create_table(
        "talent_nominations",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("appraisal_ids", sa.String(length=300), nullable=False),
        sa.Column("nominated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "nip", "year"),
    )
    with op.batch_alter_table("plan_decisions") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="annual"))
        batch.add_column(sa.Column("checkpoint_id", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("supersedes_appraisal_id", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("recommended", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("mandatory", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("supersedes_plan_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("superseded_by_plan_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("completed_jp_kept", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("plan_items") as batch:
        batch.add_column(sa.Column("mandatory", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="planned"))
        batch.add_column(sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("evidence", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_items") as batch:
        for column in ("evidence", "completed_on", "enrolled_at", "status", "due_on", "mandatory"):
            batch.drop_column(column)
    with op.batch_alter_table("plans") as batch:
        for column in ("completed_jp_kept", "superseded_by_plan_id", "supersedes_plan_id", "year", "mandatory"):
            batch.drop_column(column)
    with op.batch_alter_table("plan_decisions") as batch:
        for column in ("recommended", "supersedes_appraisal_id", "revision", "checkpoint_id", "kind"):
            batch.drop_column(column)
    op.drop_table("talent_nominations")
    op.drop_table("annual_results")
    op.drop_table("jp_ledger")
    op.drop_table("agency_catalogue")
