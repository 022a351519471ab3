"""Set-based writes for consumers: one statement for many rows, on PostgreSQL and SQLite."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Table, and_, bindparam, false, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from kinerja_runtime.db import Executor, dialect_name


def _insert(session: Executor, table: Table):
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return dialect.insert(table)


def last_per_key(rows: Iterable[dict], keys: Sequence[str]) -> list[dict]:
    """One row per key, the last one given winning (a batch may carry a key more than once,
    and a single upsert statement may touch each row only once)."""
    latest: dict[tuple, dict] = {}
    for row in rows:
        latest[tuple(row[k] for k in keys)] = row
    return list(latest.values())


async def upsert(
    session: Executor,
    table: Table,
    rows: Iterable[dict],
    keys: Sequence[str],
    update: Sequence[str] | None = None,
    where=None,
) -> None:
    """Insert ``rows``, or update the columns ``update`` (default: all but the keys) of those
    already present, in one statement. ``where`` (on ``excluded``-aware columns) limits which
    present rows are updated, e.g. only an older version."""
    rows = last_per_key(rows, keys)
    if not rows:
        return
    # The rows go as parameters of one cached statement (executemany), not inlined in its
    # text: compiling a VALUES list of hundreds of rows costs more than the database's work.
    statement = _insert(session, table)
    columns = update if update is not None else [c for c in rows[0] if c not in keys]
    if not columns:
        await session.execute(statement.on_conflict_do_nothing(index_elements=list(keys)), rows)
        return
    changes = {c: statement.excluded[c] for c in columns}
    condition = where(table, statement.excluded) if where is not None else None
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(keys), set_=changes, where=condition), rows
    )


async def insert_new(session: Executor, table: Table, rows: Iterable[dict], keys: Sequence[str]) -> None:
    """Insert the rows whose keys are not present yet; present ones stay as they are."""
    await upsert(session, table, rows, keys, update=[])


def keyed_in(table: Table, keys: Sequence[str], values: Iterable[tuple]):
    """Exactly the rows whose composite key is in ``values``, written as
    ``(k1 = a AND k2 IN (..)) OR ..`` per value of the leading columns: each group is an index
    range scan, where PostgreSQL serves a long row-value ``IN`` list with a scan."""
    groups: dict[tuple, set] = defaultdict(set)
    for value in values:
        groups[tuple(value[:-1])].add(value[-1])
    if not groups:
        return false()
    last = table.c[keys[-1]]
    return or_(
        *(
            and_(*(table.c[k] == v for k, v in zip(keys[:-1], leading, strict=True)), last.in_(sorted(tails)))
            for leading, tails in groups.items()
        )
    )


def each_in(table: Table, keys: Sequence[str], values: Iterable[tuple]):
    """``k1 IN (..) AND k2 IN (..)``: a superset of ``keyed_in``'s rows (filter them by the exact
    tuples), which PostgreSQL serves from a composite index where a long row-value ``IN``
    list falls back to a scan. Without table statistics PostgreSQL narrows such a read by the
    leading column only (every row of the agencies named): to look many keys up, as a
    consumer's batch does, use :func:`among`."""
    values = list(values)
    return and_(*(table.c[k].in_({v[i] for v in values}) for i, k in enumerate(keys)))


def among(session: Executor, table: Table, keys: Sequence[str], values: Iterable[tuple]):
    """Exactly the rows whose composite key is in ``values``, for looking up a batch's keys.

    On PostgreSQL ``(k1, k2) IN (SELECT * FROM unnest(:k1s, :k2s))``, the values as one array
    per key column: an index lookup per key whether the table has statistics or not (an ``IN``
    list per column was narrowed by the leading column alone, so a batch read every row of its
    agencies: a replay's cost grew with the table), and one statement text whatever the number
    of keys, prepared once and with no list to render. Elsewhere (SQLite) :func:`keyed_in`."""
    values = set(values)
    if not values:
        return false()
    if dialect_name(session) != "postgresql":
        return keyed_in(table, keys, values)
    columns = [table.c[k] for k in keys]
    arrays = [
        bindparam(None, [value[i] for value in values], type_=postgresql.ARRAY(column.type))
        for i, column in enumerate(columns)
    ]
    wanted = select(func.unnest(*arrays).table_valued(*keys).render_derived())
    return tuple_(*columns).in_(wanted)
