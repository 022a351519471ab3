"""Async SQLAlchemy engine and session factory: SQLite file by default, PostgreSQL by URL."""

from sqlalchemy import BigInteger, Integer, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
Identity = BigInteger().with_variant(Integer(), "sqlite")


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the relay read while a request writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
