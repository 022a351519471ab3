"""The tables every service's database holds: outbox, inbox and the relay lease (messaging),
the dead letters an operator replayed (kinerja_runtime.admin), and the access log of the
personal records the service keeps (kinerja_runtime.access_log).

Each service's Alembic environment includes this metadata next to its own.
"""

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, MetaData, String, Table, Text, text

from kinerja_runtime.db import Identity, UtcDateTime

messaging_metadata = MetaData()

outbox = Table(
    "outbox",
    messaging_metadata,
    Column("id", Identity, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("record_key", String(200), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    # Set when the broker refused the record for good (too large, invalid topic...): the relay
    # passes over it and an operator reads the reason and may queue it again.
    Column("parked_at", UtcDateTime(), nullable=True),
    Column("parked_reason", Text, nullable=True),
    Index("ix_outbox_unpublished", "published_at", "id"),
    # The relay's queue: rows to send, in id order. Partial, so it stays as small as the backlog
    # however many published rows are kept for replay.
    Index(
        "ix_outbox_queued",
        "id",
        postgresql_where=text("published_at IS NULL AND parked_at IS NULL"),
        sqlite_where=text("published_at IS NULL AND parked_at IS NULL"),
    ),
    Index(
        "ix_outbox_parked",
        "parked_at",
        postgresql_where=text("parked_at IS NOT NULL"),
        sqlite_where=text("parked_at IS NOT NULL"),
    ),
)

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", UtcDateTime(), nullable=False),
)

relay_lease = Table(
    "relay_lease",
    messaging_metadata,
    Column("name", String(100), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
)

dead_letter_replays = Table(
    "dead_letter_replays",
    messaging_metadata,
    # One row per dead-letter record `kinerja-admin deadletter replay` sent back to its topic, so
    # that replaying it again does nothing unless asked (--again). A record is its place in the
    # dead-letter topic; its event id tells it apart from a record at that place before the
    # broker lost the topic.
    Column("dead_letter_partition", Integer, primary_key=True),
    Column("dead_letter_offset", BigInteger, primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("consumer", String(200), nullable=False),
    Column("original_topic", String(200), nullable=False),
    Column("replay_id", String(36), nullable=False),
    Column("replayed_at", UtcDateTime(), nullable=False),
)

access_log = Table(
    "access_log",
    messaging_metadata,
    # Who read or changed which employee's record, when and through which route; never the
    # record's content (UU 27/2022). Written by kinerja_runtime.access_log only.
    Column("id", Identity, primary_key=True, autoincrement=True),
    Column("agency_id", String(64), nullable=False),
    Column("subject_nip", String(18), nullable=False),
    Column("accessed_at", UtcDateTime(), nullable=False),
    Column("actor_nip", String(64), nullable=False),
    Column("actor_roles", String(100), nullable=False),
    Column("action", String(8), nullable=False),
    Column("record_kind", String(32), nullable=False),
    Column("record_id", String(128), nullable=False),
    Column("route", String(200), nullable=False),
    # One employee's log, newest first (the employee's and HR's reads of it).
    Index("ix_access_log_subject", "agency_id", "subject_nip", "id"),
    # The retention purge.
    Index("ix_access_log_accessed_at", "accessed_at"),
)
