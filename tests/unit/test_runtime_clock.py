"""The one place an instant becomes an agency's local date (kinerja_runtime.clock): each of
Indonesia's three zones at the edges of its day and of the year, the deployment's default
zone (DEFAULT_TIMEZONE; the deprecated AGENCY_UTC_OFFSET_HOURS), and the unit of work's
lookup of an agency's zone, once for a batch of agencies."""

from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts.vocabulary import AgencyTimezone
from kinerja_runtime.clock import Clock, LocalDays
from kinerja_runtime.settings import ServiceSettings
from pydantic import ValidationError

OFFSET = {AgencyTimezone.WIB: 7, AgencyTimezone.WITA: 8, AgencyTimezone.WIT: 9}


def utc_of(local: datetime, zone: AgencyTimezone) -> datetime:
    """The UTC instant of a wall-clock time in ``zone`` (none of the three keeps summer time)."""
    return (local - timedelta(hours=OFFSET[zone])).replace(tzinfo=UTC)


@pytest.mark.parametrize("zone", list(AgencyTimezone), ids=lambda z: z.label)
@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 6, 1, 23, 30), date(2026, 6, 1)),  # late in the evening: still that day
        (datetime(2026, 6, 2, 0, 30), date(2026, 6, 2)),  # just after midnight: the next day
        (datetime(2026, 12, 31, 23, 30), date(2026, 12, 31)),
        (datetime(2027, 1, 1, 0, 30), date(2027, 1, 1)),  # the new year has begun there
    ],
    ids=["23:30", "00:30", "new-year's-eve-23:30", "new-year-00:30"],
)
def test_the_local_date_at_the_edges_of_the_day_in_each_zone(zone, local, expected):
    instant = utc_of(local, zone)
    clock = Clock(lambda: instant)

    assert clock.local_date(instant, zone.value) == expected
    assert clock.today(zone) == expected
    assert clock.now() == instant and clock.now().tzinfo is UTC


def test_one_instant_is_three_dates_across_the_country():
    # 2026-12-31 16:30 UTC: 23:30 WIB, but already 00:30 on New Year's Day in WITA and 01:30 in WIT.
    clock = Clock(lambda: datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    assert [clock.today(z.value) for z in AgencyTimezone] == [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 1)]
    # A survey answered at 06:30 WIT on 1 January is the new year there, and the old one in UTC.
    answered = datetime(2026, 12, 31, 21, 30, tzinfo=UTC)
    assert clock.local_date(answered, "Asia/Jayapura") == date(2027, 1, 1)
    assert answered.date() == date(2026, 12, 31)


def test_the_default_zone_is_wib_unless_the_deployment_says_otherwise():
    at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert Clock(lambda: at).today() == date(2026, 12, 31)  # WIB, 23:30
    assert Clock(lambda: at, zone="Asia/Makassar").today() == date(2027, 1, 1)
    assert Clock(lambda: at, 9).today() == date(2027, 1, 1)  # the deprecated fixed offset
    with pytest.raises(ValueError, match="aware"):
        Clock().local_date(datetime(2026, 1, 1, 12, 0))


def test_the_settings_default_zone_and_the_deprecated_offset():
    assert str(ServiceSettings().default_zone()) == "Asia/Jakarta"
    assert str(ServiceSettings(default_timezone="Asia/Jayapura").default_zone()) == "Asia/Jayapura"
    # Set explicitly, the old setting still fixes the default as an offset (as it did before).
    at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert at.astimezone(ServiceSettings(agency_utc_offset_hours=8).default_zone()).date() == date(2027, 1, 1)
    assert ServiceSettings(appraisal_utc_offset_hours=9).agency_utc_offset_hours == 9
    with pytest.raises(ValidationError, match="DEFAULT_TIMEZONE 'WIB' is not an IANA time zone"):
        ServiceSettings(default_timezone="WIB")


class Registry(LocalDays):
    """A unit of work's lookup, counted: a batch of agencies is looked up once."""

    def __init__(self, clock: Clock, zones: dict[str, str]):
        self.clock, self.zones, self.lookups = clock, zones, []

    async def agency_timezones(self, agency_ids):
        self.lookups.append(set(agency_ids))
        return {a: self.zones[a] for a in agency_ids if a in self.zones}


async def test_the_unit_of_work_counts_each_agencys_days_in_its_zone():
    at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    uow = Registry(Clock(lambda: at), {"dinas-papua": "Asia/Jayapura", "dinas-sulsel": "Asia/Makassar"})

    assert await uow.today("dinas-papua") == date(2027, 1, 1)
    assert await uow.today("dinas-jabar") == date(2026, 12, 31), "not registered: the default zone (WIB)"
    batch = {("dinas-papua", at), ("dinas-sulsel", at - timedelta(hours=1)), ("dinas-jabar", at)}
    uow.lookups.clear()
    assert await uow.local_dates(batch) == {
        ("dinas-papua", at): date(2027, 1, 1),
        ("dinas-sulsel", at - timedelta(hours=1)): date(2026, 12, 31),  # 23:30 WITA
        ("dinas-jabar", at): date(2026, 12, 31),
    }
    assert uow.lookups == [{"dinas-papua", "dinas-sulsel", "dinas-jabar"}], "one lookup for the batch"
