"""transfer requests: a move into another agency waits for the receiving agency's HR (issue 8)

Revision ID: 0005
Revises: 0004

One pending request per employee of the sending agency: ``pending_nip`` holds the NIP while
the request is pending and NULL afterwards, under a unique constraint.
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfer_requests",
        sa.Column("request_id", sa.String(36), primary_key=True),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("from_agency_id", sa.String(64), nullable=False),
        sa.Column("to_agency_id", sa.String(64), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("proposed_unit_id", sa.String(128), nullable=True),
        sa.Column("proposed_position", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pending_nip", sa.String(18), nullable=True),
        sa.Column("requested_by", sa.String(18), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(18), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.UniqueConstraint("from_agency_id", "pending_nip", name="uq_transfer_requests_pending"),
    )
    op.create_index("ix_transfer_requests_incoming", "transfer_requests", ["to_agency_id", "status", "requested_at"])
    op.create_index("ix_transfer_requests_outgoing", "transfer_requests", ["from_agency_id", "status", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_transfer_requests_outgoing", table_name="transfer_requests")
    op.drop_index("ix_transfer_requests_incoming", table_name="transfer_requests")
    op.drop_table("transfer_requests")
