"""The public survey's rate limits, counted by the `limits` library (moving windows) in a store
every replica shares — Redis, when REDIS_URL is set — or in this process's memory, the embedded
default (then N replicas admit up to N x the limit).

A store that does not answer raises LimiterUnavailable: the caller decides (the public routes
refuse with 503 rather than run unlimited). Keys hold a hash of who is counted, never the
address or NIP itself, so the shared store keeps no personal data."""

import hashlib
import math
import time
from dataclasses import dataclass

import redis.asyncio
from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string
from redis.exceptions import RedisError

from feedback_service.settings import SurveySettings

# A store that does not answer within this long counts as down (the request gets a 503).
STORE_TIMEOUT_SECONDS = 1.0


class LimiterUnavailable(Exception):
    """The shared store of the rate limits did not answer."""


@dataclass(frozen=True)
class Rule:
    """One limit: ``item.amount`` requests per ``item``'s window, for each counted identity."""

    item: RateLimitItem

    @property
    def amount(self) -> int:
        return self.item.amount

    def describe(self) -> str:
        seconds = self.item.get_expiry()
        window = "24 hours" if seconds == 86_400 else f"{seconds} s"
        return f"at most {self.item.amount} per {window}"


def _key(identity: tuple[str, ...]) -> str:
    return hashlib.blake2b("\x1f".join(identity).encode(), digest_size=16).hexdigest()


def _async_uri(redis_url: str) -> str:
    return redis_url if redis_url.startswith("async+") else f"async+{redis_url}"


class RateLimits:
    def __init__(self, settings: SurveySettings):
        window = settings.rate_window_seconds
        self.answers = Rule(RateLimitItemPerSecond(settings.rate_limit, window, namespace="survey-answers"))
        self.reads = Rule(RateLimitItemPerSecond(settings.read_rate_limit, window, namespace="survey-reads"))
        self.officer_ratings = Rule(RateLimitItemPerDay(settings.officer_ratings_per_day, namespace="officer-ratings"))
        self.shared = settings.redis_url is not None
        self._pool: redis.asyncio.ConnectionPool | None = None
        if settings.redis_url is None:
            storage = storage_from_string("async+memory://")
        else:
            # Our own pool, so the service can close it when it stops.
            self._pool = redis.asyncio.ConnectionPool.from_url(
                settings.redis_url.removeprefix("async+"),
                socket_connect_timeout=STORE_TIMEOUT_SECONDS,
                socket_timeout=STORE_TIMEOUT_SECONDS,
            )
            storage = storage_from_string(
                _async_uri(settings.redis_url),
                implementation="redispy",
                connection_pool=self._pool,
                key_prefix=settings.rate_key_prefix,
                wrap_exceptions=True,
            )
        self._limiter = MovingWindowRateLimiter(storage)

    async def admit(self, rule: Rule, *identity: str) -> int | None:
        """Count one request of ``identity`` against ``rule``: None if admitted, else the whole
        seconds until it would be."""
        key = _key(identity)
        try:
            if await self._limiter.hit(rule.item, key):
                return None
            stats = await self._limiter.get_window_stats(rule.item, key)
        except (StorageError, RedisError, OSError) as exc:
            cause = getattr(exc, "storage_error", exc)  # limits wraps the client's own error
            raise LimiterUnavailable(type(cause).__name__) from exc
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
