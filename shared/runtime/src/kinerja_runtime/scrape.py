"""What /metrics reads when Prometheus scrapes: the outbox's backlog, parked rows and the relay
lease (one statement, on the scrape's own connection, not the service's pool: a busy pool must
not hide them), the consumer's lag (the broker's log ends) and the database pool (in memory).

Read at scrape time rather than refreshed by the relay: a relay that has stopped or hangs is
exactly when the backlog must still be reported, and nothing is read while nobody scrapes
(one small statement per scrape, every 15 to 60 s). A source that does not answer within
:data:`TIMEOUT` is left out of the reading, and the scrape still answers.
"""

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from kinerja_runtime import outbox
from kinerja_runtime.db import pool_usage
from kinerja_runtime.logging import get_logger
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.metrics import PartitionLag, Reading
from kinerja_runtime.redaction import describe

log = get_logger(__name__)

TIMEOUT = 5.0  # under Prometheus's default scrape timeout (10 s)


async def read(sessions: async_sessionmaker, engine: AsyncEngine, relay_owner: str, consumer: EventConsumer) -> Reading:
    """``sessions``: the scrape's own; ``engine``: the service's, whose pool is reported."""
    backlog, lag = await asyncio.gather(_backlog(sessions), _lag(consumer))
    in_use, size = pool_usage(engine)
    if backlog is None:
        return Reading(consumer_lag=lag, db_pool_in_use=in_use, db_pool_size=size)
    return Reading(
        outbox_backlog_rows=backlog.queued,
        outbox_oldest_unsent_age_seconds=backlog.oldest_age_seconds(datetime.now(UTC)),
        outbox_parked_rows=backlog.parked,
        relay_lease_held=backlog.lease_holder == relay_owner,
        consumer_lag=lag,
        db_pool_in_use=in_use,
        db_pool_size=size,
    )


async def _backlog(sessions: async_sessionmaker) -> outbox.Backlog | None:
    try:
        return await asyncio.wait_for(outbox.backlog(sessions), TIMEOUT)
    except Exception as exc:
        log.warning("outbox backlog not read for the metrics", error=describe(exc))
        return None


async def _lag(consumer: EventConsumer) -> list[PartitionLag]:
    try:
        return await asyncio.wait_for(consumer.lag(), TIMEOUT)
    except Exception as exc:  # e.g. a partition taken away by a rebalance while being read
        log.warning("consumer lag not read for the metrics", error=describe(exc))
        return []
