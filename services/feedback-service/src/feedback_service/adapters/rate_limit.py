"""Sliding-window rate limit kept in this process's memory.

Each replica counts on its own, so N replicas admit up to N x the limit; in front of many
replicas the ingress (or a shared store) should enforce the limit too.
"""

import math
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 100_000):
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._max_clients = max_clients
        self._seen: dict[str, deque[float]] = {}

    def admit(self, client: str) -> int | None:
        """Count one request of ``client``: None if admitted, else whole seconds until it would be."""
        now = self._clock()
        times = self._seen.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] + self.window - now))
        times.append(now)
        if len(self._seen) > self._max_clients:
            self._forget_idle(now)
        return None

    def _forget_idle(self, now: float) -> None:
        # Bounds memory against many distinct clients: drop those with nothing in the window.
        for client in [c for c, t in self._seen.items() if not t or t[-1] <= now - self.window]:
            del self._seen[client]
