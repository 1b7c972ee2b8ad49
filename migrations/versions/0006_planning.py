"""SKP planning: the reason an RHK intervenes on no superior RHK; a realisation may hold only an explanation.

Revision ID: 0006_planning
Revises: 0006_followup
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_planning"
down_revision = '0006_followup'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rhk") as batch:
        batch.add_column(sa.Column("no_intervention_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("realisation") as batch:
        batch.alter_column("value", existing_type=sa.String(length=200), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("realisation") as batch:
        batch.alter_column("value", existing_type=sa.String(length=200), nullable=False)
    with op.batch_alter_table("rhk") as batch:
        batch.drop_column("no_intervention_reason")
