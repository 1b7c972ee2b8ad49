"""reopen: message subscriptions indexed by name and correlation key, so routing a message is a lookup

Existing subscriptions get their key from their stored correlations (engine.runtime.events.correlation_keys).

Revision ID: 0011_reopen
Revises: 0010_inbox
"""
import json

import sqlalchemy as sa
from alembic import op

from engine.runtime.events.correlation_keys import key_of

revision = '0011_reopen'
down_revision = '0010_inbox'
branch_labels = None
depends_on = None

_TABLE = sa.table('message_subscription', sa.column('id', sa.BigInteger), sa.column('correlations', sa.JSON),
                  sa.column('correlation_key', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('message_subscription') as batch_op:
        batch_op.add_column(sa.Column('correlation_key', sa.String(length=400), server_default='', nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_TABLE.c.id, _TABLE.c.correlations)).all()
    updates = [{'row_id': row_id, 'key': key_of(json.loads(value) if isinstance(value, str) else value or {})}
               for row_id, value in rows]
    updates = [u for u in updates if u['key']]  # "" (no expectation) is the column default
    if updates:
        connection.execute(_TABLE.update().where(_TABLE.c.id == sa.bindparam('row_id')).values(
            correlation_key=sa.bindparam('key')), updates)
    # The key leads: a list of keys is then a list of seeks on PostgreSQL too (a list on the second column
    # of an index is often applied as a filter); nothing looks subscriptions up by name alone any more.
    op.drop_index('ix_message_subscription_message_name', table_name='message_subscription')
    op.create_index('ix_message_subscription_key_name', 'message_subscription',
                    ['correlation_key', 'message_name'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_message_subscription_key_name', table_name='message_subscription')
    op.create_index('ix_message_subscription_message_name', 'message_subscription', ['message_name'],
                    unique=False)
    with op.batch_alter_table('message_subscription') as batch_op:
        batch_op.drop_column('correlation_key')
