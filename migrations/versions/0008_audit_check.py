"""audit_check: whole-database verifications of the audit chains, their progress and breaches

Revision ID: 0008_audit_check
Revises: 0008_api_tokens
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_audit_check'
down_revision = '0008_api_tokens'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('audit_check',
    sa.Column('id', _ID, nullable=False),
    sa.Column('started_by', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('chains_total', sa.Integer(), nullable=False),
    sa.Column('chains_done', sa.Integer(), nullable=False),
    sa.Column('breaches', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_check'))
    )


def downgrade() -> None:
    op.drop_table('audit_check')
