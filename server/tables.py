"""The database tables, as SQLAlchemy Core objects (the migrations in ``migrations/`` make them).

Times the server keeps for itself (``*_at`` of users, sessions, attempts) are milliseconds
since the epoch on the server's clock.  ``records.created_at``/``updated_at`` are the devices'
display-only timestamps; only ``version`` orders anything.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# SQLite only auto-numbers an INTEGER PRIMARY KEY.
ID = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    # The user's change counter: the last version handed out.  Its row is the push lock.
    Column("version", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    # The oldest cursor this account can still be served from incrementally: tombstones at or
    # below it may have been pruned (server/pruning.py).
    Column("horizon", BigInteger, nullable=False, server_default="0"),
)

sessions = Table(
    "sessions",
    metadata,
    # sha256 of the cookie's token: a stolen database holds no usable session.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    # The device it was opened on, in a person's words ("Firefox on Android").
    Column("label", String(120), nullable=False, server_default=""),
    Index("ix_sessions_user", "user_id"),
    Index("ix_sessions_expires", "expires_at"),
)

records = Table(
    "records",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("table_name", String(40), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("data", Text, nullable=False),  # JSON object of the user fields
    Column("field_versions", Text, nullable=False),  # JSON {field: [version, deviceId, (commit)]}
    Column("device_id", String(80), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    # Set by the pruner when it first sees this row as a tombstone (server clock, ms), with the
    # version it saw: a tombstone is pruned only if it is still that same deletion.
    Column("tombstone_version", BigInteger, nullable=True),
    Column("tombstone_seen_at", BigInteger, nullable=True),
    # Unique: each version names one change of one user, so a locking bug fails loudly.
    Index("ix_records_user_version", "user_id", "version", unique=True),
)

applied_mutations = Table(
    "applied_mutations",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("mutation_id", String(36), primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", BigInteger, nullable=False),
    # Set by the pruner when it first sees the row (server clock, ms).
    Column("seen_at", BigInteger, nullable=True),
    Index("ix_applied_mutations_seen", "seen_at"),
)

# Login and sign-up attempts, recorded before the password is hashed (see server/throttle.py).
# A successful login deletes its own; what remains are failures and recent sign-ups.
attempts = Table(
    "attempts",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # "login" or "signup"
    Column("email", String(254), nullable=False),
    Column("address", String(64), nullable=False),  # the client address (an IPv6 /64)
    Column("at", BigInteger, nullable=False),
    Index("ix_attempts_address", "kind", "address", "at"),
    Index("ix_attempts_email", "kind", "email", "address", "at"),
    Index("ix_attempts_at", "at"),
)

# One row: the identity of this database.  ``epoch`` is a UUID made when the database is made
# and replaced by ``python -m server restore-mark`` after it is restored from a backup; devices
# that see it change know the server may have lost changes they hold (a recovery sync).
server_identity = Table(
    "server_identity",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("epoch", String(36), nullable=False),
    Column("changed_at", BigInteger, nullable=False),
)
