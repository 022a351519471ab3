"""Time zones by name (IANA, through zoneinfo; the tzdata package supplies the database where
the system has none). kinerja_runtime.clock turns instants into an agency's local dates."""

from datetime import timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Jakarta"
"""WIB: the zone of an agency not registered, unless the deployment says otherwise."""


@cache
def zone_named(name: str) -> tzinfo:
    """The IANA zone ``name``; ZoneInfoNotFoundError (or ValueError) for a name that is none."""
    return ZoneInfo(name)


def fixed_offset(hours: float) -> tzinfo:
    return timezone(timedelta(hours=hours))
