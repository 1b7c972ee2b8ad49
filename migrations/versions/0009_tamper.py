"""tamper: keyed audit chain (key id, state hash per event) and seals of instances, specs, tasks, chain heads

Existing events keep key id "sha256" (plain SHA-256, as they were written); existing rows have no seal
until `kinerja audit seal` is run once after the upgrade (docs/operators.md, "Audit keys").

Revision ID: 0009_tamper
Revises: 0009_scale
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_tamper'
down_revision = '0009_scale'
branch_labels = None
depends_on = None

_SEALS = (('spec_version', 200), ('instance', 100), ('human_task', 200), ('audit_chain_head', 100))


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=40), server_default='sha256', nullable=False))
        batch_op.add_column(sa.Column('state_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_hash', sa.String(length=64), nullable=True))
    for table, length in _SEALS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('seal', sa.String(length=length), nullable=True))


def downgrade() -> None:
    for table, _ in _SEALS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('seal')
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_column('state_hash')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('state_hash')
        batch_op.drop_column('key_id')
