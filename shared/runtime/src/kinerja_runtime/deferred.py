"""Rows a unit of work writes with its commit: its outbox rows and its access log's entries.

They only need to land in the change's transaction, so they wait for the commit and go to the
database together. A write request publishes one event and logs one change: on PostgreSQL the
two rows go in one statement (the first insert as a data-modifying WITH of the second), one
round trip instead of two, on every write of every service. Other mixes (several rows, SQLite,
which has no such WITH) are written as one executemany per table, in the order first added.
"""

from functools import cache, lru_cache

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.sql.dml import Insert

from kinerja_runtime.db import Executor, dialect_name


class DeferredRows:
    def __init__(self) -> None:
        self._rows: dict[Table, list[dict]] = {}

    def add(self, table: Table, rows: list[dict]) -> None:
        if rows:
            self._rows.setdefault(table, []).extend(rows)

    async def write(self, session: Executor) -> None:
        """Write every row added so far (and forget them)."""
        pending, self._rows = self._rows, {}
        if not pending:
            return
        singles = all(len(rows) == 1 for rows in pending.values())
        if len(pending) > 1 and singles and dialect_name(session) == "postgresql":
            parts = tuple((table, tuple(rows[0])) for table, rows in pending.items())
            values = {
                _name(i, column): value for i, rows in enumerate(pending.values()) for column, value in rows[0].items()
            }
            await session.execute(_in_one_statement(parts), values)
            return
        for table, rows in pending.items():
            await session.execute(_insert(table), rows)


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@lru_cache(maxsize=64)
def _in_one_statement(parts: tuple[tuple[Table, tuple[str, ...]], ...]) -> Insert:
    """One row into each table, as one statement; built once per mix of tables and columns."""
    inserts = [
        insert(table).values({column: bindparam(_name(i, column), type_=table.c[column].type) for column in columns})
        for i, (table, columns) in enumerate(parts)
    ]
    *before, last = inserts
    return last.add_cte(*(statement.cte(f"deferred_{i}") for i, statement in enumerate(before)))


def _name(part: int, column: str) -> str:
    return f"p{part}_{column}"
