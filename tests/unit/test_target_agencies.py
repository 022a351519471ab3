"""target-service's agency registry on the fake unit of work: registering an agency announces
it once per change, a province admin reads every agency and anyone else only their own, and
target-service counts an agency's days in the zone its own registry holds."""

from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import AgencyRegistered
from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone
from kinerja_runtime.auth import Principal
from kinerja_runtime.refusals import NotFound
from target_fakes import FakeTargetUnitOfWork
from target_service.domain.agency import Agency
from target_service.service_layer import agencies

PAPUA = Agency("dinkes-papua", "Dinas Kesehatan Papua", AgencyKind.DINAS, AgencyTimezone.WIT)
BANDUNG = Agency("kec-coblong", "Kecamatan Coblong", AgencyKind.KECAMATAN, AgencyTimezone.WIB)
PROVINCE = Principal("196805051990031001", "pemprov", frozenset({"province_admin"}))
HR_PAPUA = Principal("197801012005011001", PAPUA.agency_id, frozenset({"hr"}))


@pytest.fixture
def uow() -> FakeTargetUnitOfWork:
    return FakeTargetUnitOfWork()


async def test_an_agency_is_announced_when_registered_and_when_it_changes(uow):
    view, created = await agencies.register_agency(uow, PAPUA)
    assert created and view == {
        "agency_id": "dinkes-papua",
        "name": "Dinas Kesehatan Papua",
        "kind": "dinas",
        "timezone": "Asia/Jayapura",
        "timezone_label": "WIT",
    }
    assert uow.events(AgencyRegistered) == [
        AgencyRegistered(
            agency_id="dinkes-papua", name="Dinas Kesehatan Papua", kind=AgencyKind.DINAS, timezone=AgencyTimezone.WIT
        )
    ]

    _, again = await agencies.register_agency(uow, PAPUA)
    assert not again and len(uow.events(AgencyRegistered)) == 1, "the same agency again changes nothing"

    moved = Agency(PAPUA.agency_id, PAPUA.name, PAPUA.kind, AgencyTimezone.WITA)
    view, created = await agencies.register_agency(uow, moved)
    assert not created and view["timezone"] == "Asia/Makassar"
    assert [e.timezone for e in uow.events(AgencyRegistered)] == [AgencyTimezone.WIT, AgencyTimezone.WITA]


async def test_a_province_admin_reads_every_agency_and_anyone_else_only_their_own(uow):
    await agencies.register_agency(uow, PAPUA)
    await agencies.register_agency(uow, BANDUNG)

    every = await agencies.list_agencies(uow, PROVINCE)
    assert [a["agency_id"] for a in every["agencies"]] == ["dinkes-papua", "kec-coblong"]
    assert [a["agency_id"] for a in (await agencies.list_agencies(uow, HR_PAPUA))["agencies"]] == ["dinkes-papua"]
    unregistered = Principal("199001012015011001", "dinas-baru", frozenset({"employee"}))
    assert (await agencies.list_agencies(uow, unregistered))["agencies"] == []

    assert (await agencies.read_agency(uow, PROVINCE, BANDUNG.agency_id))["name"] == "Kecamatan Coblong"
    assert (await agencies.read_agency(uow, HR_PAPUA, PAPUA.agency_id))["timezone"] == "Asia/Jayapura"
    with pytest.raises(NotFound, match="^no such agency$"):
        await agencies.read_agency(uow, HR_PAPUA, BANDUNG.agency_id)  # registered, but another agency's
    with pytest.raises(NotFound, match="^no such agency$"):
        await agencies.read_agency(uow, PROVINCE, "dinas-yang-tidak-ada")


async def test_target_service_counts_an_agencys_days_in_the_zone_it_registered(uow):
    await agencies.register_agency(uow, PAPUA)
    uow.time.at = datetime(2026, 12, 31, 21, 30, tzinfo=UTC)  # 06:30 WIT on New Year's Day

    assert await uow.today(PAPUA.agency_id) == date(2027, 1, 1)
    assert await uow.today("dinas-baru") == date(2027, 1, 1), "04:30 WIB: the default zone, also the new year"
    uow.time.at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 01:30 WIT, 23:30 WIB
    assert await uow.today(PAPUA.agency_id) == date(2027, 1, 1)
    assert await uow.today("dinas-baru") == date(2026, 12, 31)
