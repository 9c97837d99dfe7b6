"""Throttle by account and client address; name each session's device; prune by expiry.

``attempts`` replaces ``login_failures``: a login or sign-up attempt is recorded *before* the
password is hashed (so a burst cannot run ahead of the count), with the client address, so that
limits hold per address and per account from an address.  Failures are short-lived data: the
old table is dropped, not copied.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_attempts_address", "attempts", ["kind", "address", "at"])
    op.create_index("ix_attempts_email", "attempts", ["kind", "email", "address", "at"])
    op.create_index("ix_attempts_at", "attempts", ["at"])
    op.drop_table("login_failures")
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("label", sa.String(120), nullable=False, server_default=""))
    op.create_index("ix_sessions_expires", "sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_sessions_expires", "sessions")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("label")
    op.create_table(
        "login_failures",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("failed_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_login_failures_email", "login_failures", ["email", "failed_at"])
    op.drop_table("attempts")
