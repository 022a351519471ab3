"""Today's date where the agency works, as a FastAPI dependency.

Objection windows count calendar days, so "today" is the agency's local day (WIB, UTC+7,
by default), not the server's. Tests replace the dependency to set the date.
"""

from datetime import date, datetime, timedelta, timezone

from fastapi import Request


async def today(request: Request) -> date:
    hours = getattr(request.app.state.runtime.settings, "appraisal_utc_offset_hours", 7.0)
    return datetime.now(timezone(timedelta(hours=hours))).date()
