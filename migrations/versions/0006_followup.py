"""follow-up: PPK decisions after no improvement, plan acknowledgement, partial-period ratings

Revision ID: 0006_followup
Revises: 0006_periods
Create Date: 2026-12-03 12:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_followup'
down_revision = '0006_periods'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
DECISIONS = "'uji_kompetensi', 'pemindahan', 'penurunan_jabatan', 'penempatan_sementara'"


def upgrade() -> None:
    op.create_table('sanction_decision',
    sa.Column('id', ID, nullable=False),
    sa.Column('plan_id', ID, nullable=False),
    sa.Column('recommendation', sa.String(length=30), nullable=False),
    sa.Column('recommendation_reason', sa.Text(), nullable=False),
    sa.Column('recommended_by', sa.String(length=200), nullable=False),
    sa.Column('recommended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=30), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(f"recommendation IN ({DECISIONS})", name=op.f('ck_sanction_decision_recommendation')),
    sa.CheckConstraint(f"decision IS NULL OR decision IN ({DECISIONS})", name=op.f('ck_sanction_decision_decision')),
    sa.ForeignKeyConstraint(['plan_id'], ['development_plan.id'], name=op.f('fk_sanction_decision_plan_id_development_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanction_decision'))
    )
    with op.batch_alter_table('sanction_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanction_decision_plan_id'), ['plan_id'], unique=False)

    op.create_table('partial_period',
    sa.Column('id', ID, nullable=False),
    sa.Column('rating_id', ID, nullable=False),
    sa.Column('skp_id', ID, nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['rating.id'], name=op.f('fk_partial_period_rating_id_rating')),
    sa.ForeignKeyConstraint(['skp_id'], ['skp.id'], name=op.f('fk_partial_period_skp_id_skp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partial_period'))
    )
    with op.batch_alter_table('partial_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partial_period_rating_id'), ['rating_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partial_period_skp_id'), ['skp_id'], unique=False)

    with op.batch_alter_table('development_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('development_plan', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_by')
        batch_op.drop_column('acknowledged_at')
    with op.batch_alter_table('partial_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partial_period_skp_id'))
        batch_op.drop_index(batch_op.f('ix_partial_period_rating_id'))
    op.drop_table('partial_period')
    with op.batch_alter_table('sanction_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanction_decision_plan_id'))
    op.drop_table('sanction_decision')
