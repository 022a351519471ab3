"""proposals, periodic appraisals, agency policies, objections

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00

Appraisals made before this revision were published as final results at once; they become
final annual revision-1 rows whose proposal equals their result.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency_policies',
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.String(length=18), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('agency_id', 'number'),
    sa.UniqueConstraint('agency_id', 'version', name='uq_agency_policy_version')
    )
    op.create_table('objections',
    sa.Column('objection_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('period_id', sa.String(length=64), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=False),
    sa.Column('appraisal_id', sa.String(length=36), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superior_nip', sa.String(length=18), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=18), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revised_appraisal_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('objection_id'),
    sa.UniqueConstraint('appraisal_id')
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_superior_nip'), ['superior_nip'], unique=False)

    with op.batch_alter_table('realizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoint_id', sa.String(length=128), nullable=True))
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkpoint_id', sa.String(length=128), nullable=True))
    with op.batch_alter_table('citizen_ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))

    # New required columns arrive nullable, are filled for the rows that exist, then tightened.
    required = {
        'kind': sa.String(length=16), 'scope': sa.String(length=160), 'revision': sa.Integer(),
        'status': sa.String(length=16), 'proposed_rating_hasil_kerja': sa.String(length=32),
        'proposed_rating_perilaku': sa.String(length=32), 'proposed_predikat': sa.String(length=32),
        'proposed_at': sa.DateTime(timezone=True), 'explanation': sa.JSON(),
    }
    with op.batch_alter_table('appraisals', schema=None) as batch_op:
        for name, type_ in required.items():
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(sa.Column('checkpoint_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('appraiser_nip', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('confirm_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('final_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('supersedes_appraisal_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('objection_id', sa.String(length=36), nullable=True))
    op.execute(
        "UPDATE appraisals SET kind = 'annual', scope = 'annual', revision = 1, status = 'final', "
        "proposed_rating_hasil_kerja = rating_hasil_kerja, proposed_rating_perilaku = rating_perilaku, "
        "proposed_predikat = predikat, proposed_at = completed_at, explanation = '{}'"
    )
    # SQLite keeps timestamps as text, where CAST(... AS DATE) would yield just the year.
    day = "date(completed_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(completed_at AS DATE)"
    op.execute(f"UPDATE appraisals SET final_on = {day}")
    with op.batch_alter_table('appraisals', schema=None) as batch_op:
        for name, type_ in required.items():
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        for name in ('rating_hasil_kerja', 'rating_perilaku', 'predikat'):
            batch_op.alter_column(name, existing_type=sa.String(length=32), nullable=True)
        batch_op.alter_column('completed_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.drop_constraint('uq_appraisal_per_employee_period', type_='unique')
        batch_op.create_unique_constraint(
            'uq_appraisal_scope_revision', ['agency_id', 'period_id', 'nip', 'scope', 'revision'])
        batch_op.create_index('ix_appraisals_period', ['agency_id', 'period_id'], unique=False)


def downgrade() -> None:
    # Only final revision-1 annual results fit the old table; the rest cannot go back.
    op.execute("DELETE FROM appraisals WHERE status <> 'final' OR scope <> 'annual' OR revision <> 1")
    with op.batch_alter_table('appraisals', schema=None) as batch_op:
        batch_op.drop_index('ix_appraisals_period')
        batch_op.drop_constraint('uq_appraisal_scope_revision', type_='unique')
        batch_op.create_unique_constraint('uq_appraisal_per_employee_period', ['agency_id', 'period_id', 'nip'])
        batch_op.alter_column('completed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        for name in ('rating_hasil_kerja', 'rating_perilaku', 'predikat'):
            batch_op.alter_column(name, existing_type=sa.String(length=32), nullable=False)
        for name in ('objection_id', 'supersedes_appraisal_id', 'final_on', 'confirm_reason', 'appraiser_nip',
                     'checkpoint_id', 'explanation', 'proposed_at', 'proposed_predikat', 'proposed_rating_perilaku',
                     'proposed_rating_hasil_kerja', 'status', 'revision', 'scope', 'kind'):
            batch_op.drop_column(name)
    with op.batch_alter_table('citizen_ratings', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.drop_column('checkpoint_id')
    with op.batch_alter_table('realizations', schema=None) as batch_op:
        batch_op.drop_column('checkpoint_id')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_superior_nip'))
    op.drop_table('objections')
    op.drop_table('agency_policies')
