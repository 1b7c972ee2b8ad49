"""appeal windows (the objection window of each predikat notice)

Revision ID: 0006_appeal
Revises: 0006_privacy
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_appeal'
down_revision = '0006_privacy'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appeal_window',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('skp_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('predikat', sa.String(length=20), nullable=False),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.id'], name=op.f('fk_appeal_window_skp_id_skp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_window'))
    )
    with op.batch_alter_table('appeal_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_window_skp_id'), ['skp_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appeal_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_window_skp_id'))
    op.drop_table('appeal_window')
