"""scale: partial indexes over open tasks (the inbox's claimer, overdue tasks) and a covering candidate index

Revision ID: 0009_scale
Revises: 0008_audit_check
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_scale'
down_revision = '0008_audit_check'
branch_labels = None
depends_on = None

_OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.create_index('ix_human_task_open_claimed_by', 'human_task', ['claimed_by'], unique=False,
                    sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.create_index('ix_human_task_open_due_at', 'human_task', ['due_at'], unique=False,
                    sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.drop_index('ix_task_candidate_kind_value', table_name='task_candidate')
    op.create_index('ix_task_candidate_kind_value', 'task_candidate', ['kind', 'value', 'human_task_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_candidate_kind_value', table_name='task_candidate')
    op.create_index('ix_task_candidate_kind_value', 'task_candidate', ['kind', 'value'], unique=False)
    op.drop_index('ix_human_task_open_due_at', table_name='human_task')
    op.drop_index('ix_human_task_open_claimed_by', table_name='human_task')
