"""inbox: offers of open tasks only (task_candidate.task_open and its partial index)

A group's offers stay in task_candidate after their tasks close (the task's record and its seal show who
was offered it), so the inbox looked up years of them; it now reads the open ones through a partial index.

Revision ID: 0010_inbox
Revises: 0009_tamper
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_inbox'
down_revision = '0009_tamper'
branch_labels = None
depends_on = None

_CANDIDATE = sa.table('task_candidate', sa.column('human_task_id', sa.BigInteger),
                      sa.column('task_open', sa.Boolean))
_TASK = sa.table('human_task', sa.column('id', sa.BigInteger), sa.column('state', sa.String))


def upgrade() -> None:
    op.add_column('task_candidate', sa.Column('task_open', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(_CANDIDATE.update().where(_CANDIDATE.c.human_task_id.in_(
        sa.select(_TASK.c.id).where(_TASK.c.state != 'open'))).values(task_open=False))
    # task_open is a column of the index too: SQLite does not count the condition as covered otherwise.
    op.create_index('ix_task_candidate_open', 'task_candidate', ['kind', 'value', 'human_task_id', 'task_open'],
                    unique=False, sqlite_where=sa.text('task_open = 1'), postgresql_where=sa.text('task_open'))


def downgrade() -> None:
    op.drop_index('ix_task_candidate_open', table_name='task_candidate')
    with op.batch_alter_table('task_candidate', schema=None) as batch_op:
        batch_op.drop_column('task_open')
