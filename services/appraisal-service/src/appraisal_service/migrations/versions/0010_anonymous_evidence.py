"""anonymity of 360° feedback: answers keep their round; stored evidence redone by the rule

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table('feedback_answers') as batch:
        batch.add_column(sa.Column('round_id', sa.String(length=128), nullable=True))
    # The round of an answer projected before is unknown: each counts as a round of its own,
    # so it is never shown on its own nor pooled (the rule counts blocks per round). Closing a
    # round still open publishes its answers again, with their round.
    op.execute("UPDATE feedback_answers SET round_id = 'legacy:' || substr(feedback_id, 1, 120)")
    _republish_stored_evidence()


def _republish_stored_evidence() -> None:
    """Appraisals proposed before the rule hold every source's mean and answer count: redo
    their explanation and summary by the rule, so nothing stored can show an anonymous answer."""
    from appraisal_service.service_layer.views import republished

    appraisals = sa.table('appraisals', sa.column('appraisal_id', sa.String), sa.column('summary', sa.JSON),
                          sa.column('explanation', sa.JSON))
    bind = op.get_bind()
    after = ''
    while True:
        rows = bind.execute(sa.select(appraisals).where(appraisals.c.appraisal_id > after)
                            .order_by(appraisals.c.appraisal_id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            explanation, summary = republished(row.explanation, row.summary)
            if (explanation, summary) != (row.explanation, row.summary):
                bind.execute(appraisals.update().where(appraisals.c.appraisal_id == row.appraisal_id)
                             .values(explanation=explanation, summary=summary))
        after = rows[-1].appraisal_id


def downgrade() -> None:
    # The evidence withheld cannot come back; only the column goes.
    with op.batch_alter_table('feedback_answers') as batch:
        batch.drop_column('round_id')
