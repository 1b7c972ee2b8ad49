"""privacy: consent text and withdrawal statement, self-assessment as a rater relation

Revision ID: 0006_privacy
Revises: 0006_workdays
Create Date: 2026-12-03 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_privacy'
down_revision = '0006_workdays'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('revocation_text', sa.Text(), nullable=True))

    # The employee's own answers (self-assessment) are kept beside the raters', as relation 'self'.
    with op.batch_alter_table('rater_response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rater_response_relation'), type_='check')
        batch_op.create_check_constraint(
            'relation', "relation IN ('peer', 'subordinate', 'public', 'self')")


def downgrade() -> None:
    with op.batch_alter_table('rater_response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rater_response_relation'), type_='check')
        batch_op.create_check_constraint('relation', "relation IN ('peer', 'subordinate', 'public')")

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('revocation_text')
        batch_op.drop_column('text')
