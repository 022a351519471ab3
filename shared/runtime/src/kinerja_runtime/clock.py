"""One clock for every service: the instant in UTC, and the date where an agency works.

Days that rules count (an objection window, a plan's due date, the period a citizen's survey
answer belongs to) are the agency's local days, not the server's: each agency has a time zone
in the province's agency registry (``AgencyRegistered``: Asia/Jakarta, Asia/Makassar or
Asia/Jayapura), and an agency not registered keeps the deployment's default zone
(``DEFAULT_TIMEZONE``, WIB; ``AGENCY_UTC_OFFSET_HOURS``, deprecated, still fixes it when set).

:meth:`Clock.local_date` is the one place an instant becomes a local date. A use case asks its
unit of work, which looks the agency's zone up in the service's registry and asks the clock
(:class:`LocalDays`): ``await uow.today(agency_id)``, ``await uow.local_dates(...)`` for a
batch. Routes whose answer depends on the day take :data:`Today`, the caller's agency's date.
Tests pass a clock whose source they move by hand; nothing else in a service reads the system time.
"""

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated

from fastapi import Depends, Request

from kinerja_runtime.auth.principal import Principal, current_principal
from kinerja_runtime.zones import DEFAULT_TIMEZONE, fixed_offset, zone_named

__all__ = ["DEFAULT_TIMEZONE", "Clock", "LocalDays", "Now", "Today", "Zone", "now", "system_time", "today"]

Zone = str | tzinfo | None
"""An IANA name (``"Asia/Jayapura"``), a tzinfo, or None for the clock's default zone."""


def system_time() -> datetime:
    return datetime.now(UTC)


class Clock:
    """``source`` gives the current instant (aware); ``zone`` is the default zone, the one an
    agency not registered counts its days in. ``utc_offset_hours`` (deprecated) fixes that
    default as an offset instead, as ``AGENCY_UTC_OFFSET_HOURS`` did."""

    def __init__(
        self,
        source: Callable[[], datetime] = system_time,
        utc_offset_hours: float | None = None,
        *,
        zone: Zone = None,
    ):
        self._source = source
        if zone is not None:
            self.zone = _as_zone(zone)
        elif utc_offset_hours is not None:
            self.zone = fixed_offset(utc_offset_hours)
        else:
            self.zone = zone_named(DEFAULT_TIMEZONE)

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return self._source().astimezone(UTC)

    def local_date(self, instant: datetime, zone: Zone = None) -> date:
        """The date ``instant`` falls on in ``zone`` (None: the default zone). The one place an
        instant becomes a local date; every "today" of every service comes through here."""
        if instant.tzinfo is None:
            raise ValueError("a local date needs an aware instant")
        return instant.astimezone(self.zone if zone is None else _as_zone(zone)).date()

    def today(self, zone: Zone = None) -> date:
        """The date now in ``zone`` (None: the default zone). A use case asks its unit of work
        (``await uow.today(agency_id)``), which knows the agency's zone."""
        return self.local_date(self._source(), zone)


def _as_zone(zone: str | tzinfo) -> tzinfo:
    return zone_named(zone) if isinstance(zone, str) else zone


class LocalDays:
    """What a unit of work adds to its clock: the agency's zone, looked up in the service's
    agency registry (:meth:`agency_timezones`; target-service reads the table it owns, the
    others the roster projection), turned into local dates by :meth:`Clock.local_date`."""

    clock: Clock

    async def agency_timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        """The IANA zones of those of ``agency_ids`` that are registered, by agency id (an agency
        missing from the answer counts its days in the default zone). A fixed number of
        statements for any number of agencies. This base knows no registry."""
        return {}

    async def local_dates(self, instants: Collection[tuple[str, datetime]]) -> dict[tuple[str, datetime], date]:
        """The local date of each (agency_id, instant): a consumer's batch across agencies."""
        zones = await self.agency_timezones({agency_id for agency_id, _ in instants})
        return {(a, at): self.clock.local_date(at, zones.get(a)) for a, at in instants}

    async def local_date(self, agency_id: str, instant: datetime) -> date:
        """The date ``instant`` falls on where ``agency_id`` works."""
        return (await self.local_dates([(agency_id, instant)]))[agency_id, instant]

    async def today(self, agency_id: str) -> date:
        """The agency's date now."""
        return await self.local_date(agency_id, self.clock.now())

    async def zone(self, agency_id: str) -> tzinfo:
        """The agency's zone (the default zone when it is not registered), for a rule that turns
        local days into instants (a checkpoint's window, the end of a day)."""
        found = (await self.agency_timezones([agency_id])).get(agency_id)
        return self.clock.zone if found is None else _as_zone(found)


# FastAPI dependencies, for routes whose answer depends on the time (tests may override them).
async def now(request: Request) -> datetime:
    return request.app.state.runtime.clock.now()


async def today(request: Request, principal: Principal = Depends(current_principal)) -> date:
    """The caller's agency's date now: its zone is read in a short unit of work of its own."""
    uow = request.app.state.runtime.uows()
    async with uow:
        return await uow.today(principal.agency)


Now = Annotated[datetime, Depends(now)]
Today = Annotated[date, Depends(today)]
