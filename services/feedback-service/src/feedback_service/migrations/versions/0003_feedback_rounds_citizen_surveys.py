"""feedback rounds with named givers; citizen survey answers and unit IKM

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must not change when the vocabulary grows.
SKM_ELEMENTS = (
    "persyaratan",
    "sistem_mekanisme_prosedur",
    "waktu_penyelesaian",
    "biaya_tarif",
    "produk_spesifikasi_jenis_pelayanan",
    "kompetensi_pelaksana",
    "perilaku_pelaksana",
    "penanganan_pengaduan_saran_masukan",
    "sarana_prasarana",
)


def upgrade() -> None:
    op.create_table(
        "feedback_rounds",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("checkpoint_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=18), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("round_id"),
    )
    op.create_index("ix_feedback_rounds_employee", "feedback_rounds", ["agency_id", "period_id", "nip"])
    op.create_table(
        "feedback_round_givers",
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("giver_nip", sa.String(length=18), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "giver_nip"),
    )
    op.create_index("ix_feedback_round_givers_giver_nip", "feedback_round_givers", ["giver_nip"])
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("round_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("checkpoint_id", sa.String(length=128), nullable=True))
        batch.create_index("ix_feedback_round_id", ["round_id"])
        batch.create_unique_constraint("uq_feedback_round_giver", ["round_id", "giver_nip"])

    op.create_table(
        "citizen_survey_answers",
        sa.Column("answer_id", sa.String(length=36), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        *(sa.Column(element, sa.SmallInteger(), nullable=False) for element in SKM_ELEMENTS),
        sa.Column("officer_nip", sa.String(length=18), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("answer_id"),
        sa.UniqueConstraint("agency_id", "unit_id", "submission_id", name="uq_citizen_survey_submission"),
    )
    op.create_index(
        "ix_citizen_survey_unit_period", "citizen_survey_answers", ["agency_id", "unit_id", "period_id"]
    )
    op.create_table(
        "unit_satisfaction",
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=128), nullable=False),
        sa.Column("period_id", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("ikm", sa.Float(), nullable=False),
        sa.Column("mutu", sa.String(length=1), nullable=False),
        sa.Column("element_means", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agency_id", "unit_id", "period_id"),
    )


def downgrade() -> None:
    op.drop_table("unit_satisfaction")
    op.drop_index("ix_citizen_survey_unit_period", table_name="citizen_survey_answers")
    op.drop_table("citizen_survey_answers")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_constraint("uq_feedback_round_giver", type_="unique")
        batch.drop_index("ix_feedback_round_id")
        batch.drop_column("checkpoint_id")
        batch.drop_column("round_id")
    op.drop_index("ix_feedback_round_givers_giver_nip", table_name="feedback_round_givers")
    op.drop_table("feedback_round_givers")
    op.drop_index("ix_feedback_rounds_employee", table_name="feedback_rounds")
    op.drop_table("feedback_rounds")
