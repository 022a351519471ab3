"""Async SQLAlchemy engine and session factory: SQLite file by default, PostgreSQL by URL."""

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

Executor = AsyncSession | AsyncConnection
"""Where a unit of work's statements run: its ORM session, or its plain connection
(kinerja_runtime.uow.UnitOfWork.plain_connection); both execute, scalar, scalars alike."""


def dialect_name(executor: Executor) -> str:
    """``"postgresql"`` or ``"sqlite"``: the database an executor's statements go to."""
    return (executor if isinstance(executor, AsyncConnection) else executor.bind).dialect.name


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Identity = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, pool_size: int = 15) -> AsyncEngine:
    # hide_parameters: a statement's values (NIPs, names, reasons) never enter an error's text.
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A fixed pool, no overflow: under a burst, requests queue for a connection instead of
    # opening and closing one each (a new asyncpg connection costs several round trips).
    # No pre-ping (a round trip per checkout): a connection found dead invalidates the pool
    # and the request fails once; consumers wait outages out.
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=0, pool_timeout=60, pool_recycle=1800, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the relay read while a request writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def pool_usage(engine: AsyncEngine) -> tuple[int | None, int | None]:
    """(connections checked out, connections the pool keeps). PostgreSQL's pool has no overflow
    (see create_engine), so the second is its limit; SQLite files get SQLAlchemy's default queue
    pool, which may open up to 10 more. Other pools (a StaticPool, a NullPool) count nothing."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return None, None
    return pool.checkedout(), pool.size()
