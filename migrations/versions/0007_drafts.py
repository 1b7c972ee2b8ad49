"""task drafts: form values saved per task and user

Revision ID: 0007_drafts
Revises: 0007_auth
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_drafts'
down_revision = '0007_auth'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_draft',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('human_task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_task_draft_human_task_id_human_task'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_draft')),
    sa.UniqueConstraint('human_task_id', 'username', name=op.f('uq_task_draft_human_task_id_username'))
    )


def downgrade() -> None:
    op.drop_table('task_draft')
