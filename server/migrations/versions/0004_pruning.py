"""Storage pruning: when the server first saw an applied mutation or a tombstone, and each
account's horizon (the oldest cursor it can still serve incrementally).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty until the pruner first sees the row (server/pruning.py): existing rows then get the
    # whole window from the first pruning after the upgrade, never less.
    op.add_column("applied_mutations", sa.Column("seen_at", sa.BigInteger, nullable=True))
    op.create_index("ix_applied_mutations_seen", "applied_mutations", ["seen_at"])
    op.add_column("records", sa.Column("tombstone_version", sa.BigInteger, nullable=True))
    op.add_column("records", sa.Column("tombstone_seen_at", sa.BigInteger, nullable=True))
    op.add_column("users", sa.Column("horizon", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("users", "horizon")
    op.drop_column("records", "tombstone_seen_at")
    op.drop_column("records", "tombstone_version")
    op.drop_index("ix_applied_mutations_seen", table_name="applied_mutations")
    op.drop_column("applied_mutations", "seen_at")
