"""Rows a unit of work writes with its commit: its outbox rows, its access log's entries and
the plain inserts of its repositories that nothing reads back before the commit.

They only need to land in the change's transaction, so they wait for the commit and go to the
database together. On PostgreSQL they go as **one statement**, every insert but the last a
data-modifying WITH of the last: a write request's event and access-log entry (and, say, a new
SKP version's RHK and IKI) cost one round trip instead of one per table. A table's several rows
go as one array per column (``unnest``), so the statement's text, built and prepared once per
mix of tables and columns, does not change with the number of rows. A table with a JSON column
and several rows (two events published one by one), and every table on SQLite (which has no
data-modifying WITH), are written apart, one executemany per table, in the order first added.
"""

from collections.abc import Callable
from functools import cache, lru_cache

from sqlalchemy import JSON, String, Table, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert

from kinerja_runtime.db import Executor, dialect_name

AtCommit = Callable[[Table, list[dict]], None]
"""``UnitOfWork.insert_at_commit``, as a repository is given it: rows that go with the commit."""

Part = tuple[Table, tuple[str, ...], bool]  # (table, columns, several rows)


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
        together = pending if dialect_name(session) == "postgresql" else {}
        together = {table: rows for table, rows in together.items() if _fits_one_statement(table, rows)}
        for table, rows in pending.items():
            if table not in together or len(together) == 1:
                await session.execute(_insert(table), rows)
        if len(together) > 1:
            parts = tuple((table, tuple(rows[0]), len(rows) > 1) for table, rows in together.items())
            await session.execute(_in_one_statement(parts), _values(parts, list(together.values())))


def _fits_one_statement(table: Table, rows: list[dict]) -> bool:
    """One row, or several with the same columns and no JSON column (no array of JSON is sent)."""
    if len(rows) == 1:
        return True
    columns = rows[0].keys()
    return all(r.keys() == columns for r in rows) and not any(isinstance(table.c[c].type, JSON) for c in columns)


def _values(parts: tuple[Part, ...], rows: list[list[dict]]) -> dict:
    values = {}
    for i, ((_, columns, several), of_table) in enumerate(zip(parts, rows, strict=True)):
        for column in columns:
            values[_name(i, column)] = [r[column] for r in of_table] if several else of_table[0][column]
    return values


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@lru_cache(maxsize=64)
def _in_one_statement(parts: tuple[Part, ...]) -> Insert:
    """Every part's rows, as one statement; built once per mix of tables, columns and single or several rows."""
    *before, last = [_part(i, *part) for i, part in enumerate(parts)]
    return last.add_cte(*(statement.cte(f"deferred_{i}") for i, statement in enumerate(before)))


def _part(i: int, table: Table, columns: tuple[str, ...], several: bool) -> Insert:
    if not several:
        return insert(table).values({c: bindparam(_name(i, c), type_=table.c[c].type) for c in columns})
    arrays = [bindparam(_name(i, c), type_=postgresql.ARRAY(_unbounded(table.c[c].type))) for c in columns]
    rows = select(func.unnest(*arrays).table_valued(*columns).render_derived())
    return insert(table).from_select(list(columns), rows)


def _unbounded(type_):
    """A string type without its length: PostgreSQL cuts a value cast to ``VARCHAR(n)[]`` to n
    characters silently, where the column itself refuses one too long."""
    return String() if isinstance(type_, String) and type_.length is not None else type_


def _name(part: int, column: str) -> str:
    return f"p{part}_{column}"
