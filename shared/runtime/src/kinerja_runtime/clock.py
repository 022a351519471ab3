"""One clock for every service: the instant in UTC, and today's date where the agency works.

Days that rules count (an objection window, a plan's due date, the survey's open period) are
the agency's local days (WIB, UTC+7, by default), not the server's. Tests pass a clock whose
source they move by hand; nothing else in a service reads the system time.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated

from fastapi import Depends, Request


def system_time() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self, source: Callable[[], datetime] = system_time, utc_offset_hours: float = 7.0):
        self._source = source
        self.zone = timezone(timedelta(hours=utc_offset_hours))

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return self._source().astimezone(UTC)

    def today(self) -> date:
        """The agency's local date now."""
        return self._source().astimezone(self.zone).date()


# FastAPI dependencies, for routes whose answer depends on the time (tests may override them).
async def now(request: Request) -> datetime:
    return request.app.state.runtime.clock.now()


async def today(request: Request) -> date:
    return request.app.state.runtime.clock.today()


Now = Annotated[datetime, Depends(now)]
Today = Annotated[date, Depends(today)]
