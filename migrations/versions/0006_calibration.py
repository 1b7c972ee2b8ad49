"""calibration unit flag on unit

Revision ID: 0006_calibration
Revises: 0006_planning
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_calibration'
down_revision = '0006_planning'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('unit') as batch_op:
        batch_op.add_column(sa.Column('calibration_unit', sa.Boolean(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('unit') as batch_op:
        batch_op.drop_column('calibration_unit')
