"""public_feedback: the public's anonymous scores of a public-service unit

Revision ID: 0008_public_feedback
Revises: 0007_notifications
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_public_feedback'
down_revision = '0007_notifications'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('public_feedback',
    sa.Column('id', _ID, nullable=False),
    sa.Column('unit_id', _ID, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_public_feedback_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_feedback'))
    )
    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_public_feedback_unit_year', ['unit_id', 'year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('public_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_public_feedback_unit_year')
    op.drop_table('public_feedback')
