"""must_change_password flag on user_account

Revision ID: 0007_auth
Revises: 0006_calibration
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_auth'
down_revision = '0006_calibration'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('must_change_password')
