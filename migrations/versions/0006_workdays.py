"""non-working days an operator adds (cuti bersama)

Revision ID: 0006_workdays
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_workdays'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('non_working_day',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_non_working_day')),
    sa.UniqueConstraint('day', name=op.f('uq_non_working_day_day'))
    )


def downgrade() -> None:
    op.drop_table('non_working_day')
