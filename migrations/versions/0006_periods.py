"""calendar monitoring periods: monitoring_period, unit.jenis_periode

Revision ID: 0006_periods
Revises: 0006_appeal
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_periods'
down_revision = '0006_appeal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monitoring_period',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('skp_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('input_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('bulanan', 'triwulanan', 'semesteran')", name=op.f('ck_monitoring_period_kind')),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.id'], name=op.f('fk_monitoring_period_skp_id_skp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_period')),
    sa.UniqueConstraint('skp_id', 'seq', name=op.f('uq_monitoring_period_skp_id_seq'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jenis_periode', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('jenis_periode')
    op.drop_table('monitoring_period')
