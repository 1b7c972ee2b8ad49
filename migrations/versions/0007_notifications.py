"""notification: in-app and e-mail notices of new tasks, reminders and escalations

Revision ID: 0007_notifications
Revises: 0007_drafts
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_notifications'
down_revision = '0007_drafts'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', _ID, nullable=False),
    sa.Column('recipient_kind', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('human_task_id', _ID, nullable=True),
    sa.Column('instance_id', _ID, nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['human_task_id'], ['human_task.id'], name=op.f('fk_notification_human_task_id_human_task'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_notification_instance_id_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_recipient_read', ['recipient_kind', 'recipient', 'read_at'], unique=False)
        batch_op.create_index('ix_notification_emailed', ['emailed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_human_task_id'), ['human_task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_human_task_id'))
        batch_op.drop_index('ix_notification_emailed')
        batch_op.drop_index('ix_notification_recipient_read')
    op.drop_table('notification')
