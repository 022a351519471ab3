"""organisation (work units, unit ids), period checkpoints, agency IKU, versioned SKP with
cascading links, realisation checkpoints and the appraiser's feedback notes

The SKP's RHK and IKI move from ``rhk`` / ``iki`` (one plan per SKP) to ``skp_rhk`` /
``skp_iki`` keyed by (skp, version), so that a revision keeps the approved version readable.
Existing plans become version 1 (or their approved version); their notes and approval move
to ``skp_versions``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 18:49:55
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# SQLite keeps foreign keys unnamed; this convention names them for batch mode.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _realizations_iki_fk() -> str:
    return "realizations_iki_id_fkey" if op.get_bind().dialect.name == "postgresql" else "fk_realizations_iki_id_iki"


def upgrade() -> None:
    op.create_table('work_units',
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_unit_id', sa.String(length=128), nullable=True),
    sa.Column('head_nip', sa.String(length=18), nullable=True),
    sa.Column('serves_public', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('agency_id', 'unit_id')
    )
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.String(length=128), nullable=True))

    op.create_table('period_checkpoints',
    sa.Column('period_id', sa.String(length=36), nullable=False),
    sa.Column('checkpoint_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['periods.period_id'], ),
    sa.PrimaryKeyConstraint('period_id', 'checkpoint_id')
    )
    op.create_table('iku',
    sa.Column('iku_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('period_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['periods.period_id'], ),
    sa.PrimaryKeyConstraint('iku_id'),
    sa.UniqueConstraint('period_id', 'code', name='uq_iku_period_code')
    )

    op.create_table('skp_versions',
    sa.Column('skp_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('approved_by', sa.String(length=18), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.skp_id'], ),
    sa.PrimaryKeyConstraint('skp_id', 'version')
    )
    op.create_table('skp_rhk',
    sa.Column('skp_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rhk_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('supports_rhk_id', sa.String(length=36), nullable=True),
    sa.Column('iku_id', sa.String(length=36), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skp_id', 'version'], ['skp_versions.skp_id', 'skp_versions.version'], name='fk_skp_rhk_version'),
    sa.PrimaryKeyConstraint('skp_id', 'version', 'rhk_id')
    )
    with op.batch_alter_table('skp_rhk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skp_rhk_iku_id'), ['iku_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_skp_rhk_supports_rhk_id'), ['supports_rhk_id'], unique=False)

    op.create_table('skp_iki',
    sa.Column('skp_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('iki_id', sa.String(length=36), nullable=False),
    sa.Column('rhk_id', sa.String(length=36), nullable=False),
    sa.Column('aspect', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skp_id', 'version', 'rhk_id'], ['skp_rhk.skp_id', 'skp_rhk.version', 'skp_rhk.rhk_id'], name='fk_skp_iki_rhk'),
    sa.PrimaryKeyConstraint('skp_id', 'version', 'iki_id')
    )

    # Existing plans: one version each (the approved one, else version 1).
    op.execute(
        "INSERT INTO skp_versions (skp_id, version, status, notes, reason, approved_by, approved_at) "
        "SELECT skp_id, COALESCE(version, 1), status, notes, NULL, approved_by, approved_at FROM skp"
    )
    op.execute(
        "INSERT INTO skp_rhk (skp_id, version, rhk_id, kind, description, supports_rhk_id, iku_id, position) "
        "SELECT rhk.skp_id, COALESCE(skp.version, 1), rhk.rhk_id, rhk.kind, rhk.description, NULL, NULL, rhk.position "
        "FROM rhk JOIN skp ON skp.skp_id = rhk.skp_id"
    )
    op.execute(
        "INSERT INTO skp_iki (skp_id, version, iki_id, rhk_id, aspect, description, target, unit, higher_is_better, position) "
        "SELECT rhk.skp_id, COALESCE(skp.version, 1), iki.iki_id, iki.rhk_id, iki.aspect, iki.description, iki.target, "
        "iki.unit, iki.higher_is_better, iki.position "
        "FROM iki JOIN rhk ON rhk.rhk_id = iki.rhk_id JOIN skp ON skp.skp_id = rhk.skp_id"
    )

    with op.batch_alter_table('realizations', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('checkpoint_id', sa.String(length=64), nullable=True))
        batch_op.drop_constraint(_realizations_iki_fk(), type_='foreignkey')

    with op.batch_alter_table('iki', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iki_rhk_id'))
    op.drop_table('iki')
    with op.batch_alter_table('rhk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rhk_skp_id'))
    op.drop_table('rhk')

    with op.batch_alter_table('skp', schema=None) as batch_op:
        batch_op.drop_column('approved_by')
        batch_op.drop_column('notes')
        batch_op.drop_column('approved_at')

    op.create_table('rhk_feedback',
    sa.Column('feedback_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('skp_id', sa.String(length=36), nullable=False),
    sa.Column('rhk_id', sa.String(length=36), nullable=False),
    sa.Column('checkpoint_id', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('given_by', sa.String(length=18), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.skp_id'], ),
    sa.PrimaryKeyConstraint('feedback_id')
    )
    with op.batch_alter_table('rhk_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rhk_feedback_skp_id'), ['skp_id'], unique=False)


def downgrade() -> None:
    """Back to one plan per SKP: the latest version's plan survives, earlier versions, links,
    checkpoints, IKU, units and feedback notes are lost."""
    with op.batch_alter_table('rhk_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rhk_feedback_skp_id'))
    op.drop_table('rhk_feedback')

    with op.batch_alter_table('skp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=18), nullable=True))

    op.create_table('rhk',
    sa.Column('rhk_id', sa.String(length=36), nullable=False),
    sa.Column('skp_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.skp_id'], ),
    sa.PrimaryKeyConstraint('rhk_id')
    )
    with op.batch_alter_table('rhk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rhk_skp_id'), ['skp_id'], unique=False)
    op.create_table('iki',
    sa.Column('iki_id', sa.String(length=36), nullable=False),
    sa.Column('rhk_id', sa.String(length=36), nullable=False),
    sa.Column('aspect', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rhk_id'], ['rhk.rhk_id'], ),
    sa.PrimaryKeyConstraint('iki_id')
    )
    with op.batch_alter_table('iki', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iki_rhk_id'), ['rhk_id'], unique=False)

    latest = "(SELECT skp_id, MAX(version) AS version FROM skp_versions GROUP BY skp_id)"
    op.execute(
        "UPDATE skp SET notes = (SELECT v.notes FROM skp_versions v WHERE v.skp_id = skp.skp_id AND v.version = skp.version), "
        "approved_by = (SELECT v.approved_by FROM skp_versions v WHERE v.skp_id = skp.skp_id AND v.version = skp.version), "
        "approved_at = (SELECT v.approved_at FROM skp_versions v WHERE v.skp_id = skp.skp_id AND v.version = skp.version)"
    )
    op.execute(
        "INSERT INTO rhk (rhk_id, skp_id, kind, description, position) "
        f"SELECT r.rhk_id, r.skp_id, r.kind, r.description, r.position FROM skp_rhk r JOIN {latest} l "
        "ON l.skp_id = r.skp_id AND l.version = r.version"
    )
    op.execute(
        "INSERT INTO iki (iki_id, rhk_id, aspect, description, target, unit, higher_is_better, position) "
        "SELECT i.iki_id, i.rhk_id, i.aspect, i.description, i.target, i.unit, i.higher_is_better, i.position "
        f"FROM skp_iki i JOIN {latest} l ON l.skp_id = i.skp_id AND l.version = i.version"
    )
    # A realisation of an IKI that the latest version dropped cannot keep its foreign key.
    op.execute("DELETE FROM realizations WHERE iki_id NOT IN (SELECT iki_id FROM iki)")
    with op.batch_alter_table('realizations', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.create_foreign_key(_realizations_iki_fk(), 'iki', ['iki_id'], ['iki_id'])
        batch_op.drop_column('checkpoint_id')

    op.drop_table('skp_iki')
    with op.batch_alter_table('skp_rhk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skp_rhk_supports_rhk_id'))
        batch_op.drop_index(batch_op.f('ix_skp_rhk_iku_id'))
    op.drop_table('skp_rhk')
    op.drop_table('skp_versions')
    op.drop_table('iku')
    op.drop_table('period_checkpoints')
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_column('unit_id')
    op.drop_table('work_units')
