"""The database's identity: an epoch UUID, replaced when the database is restored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    identity = op.create_table(
        "server_identity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("epoch", sa.String(36), nullable=False),
        sa.Column("changed_at", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        identity, [{"id": 1, "epoch": str(uuid.uuid4()), "changed_at": int(time.time() * 1000)}]
    )


def downgrade() -> None:
    op.drop_table("server_identity")
