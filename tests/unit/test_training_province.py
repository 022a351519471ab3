"""training-service's province view on the fake unit of work: every agency's development plans
of a year by status and its employees' 20 JP, and the talent pool across agencies with names
(the only province report that names people)."""

from datetime import UTC, date, datetime

import pytest
from training_fakes import FakeTrainingUnitOfWork
from training_service.service_layer import province, views

A, B, C = "dinas-a", "dinas-b", "dinas-c"
AT = datetime(2026, 2, 1, 3, tzinfo=UTC)
HR = "197501052000011900"


def nip(agency: str, n: int) -> str:
    return f"19900101201501{'1' if agency == A else '2'}{n:03d}"


def plan(agency: str, n: int, status: str, year: int | None = 2026) -> dict:
    return {
        "plan_id": f"plan-{agency}-{n}-{status}",
        "agency_id": agency,
        "period_id": f"{agency}-2025",
        "nip": nip(agency, n),
        "appraisal_id": f"apr-{agency}-{n}-{status}",
        "predikat": "butuh_perbaikan",
        "total_jp": 20,
        "status": status,
        "created_at": AT,
        "mandatory": True,
        "year": year,
    }


def entry(agency: str, n: int, jp: int, status: str = "verified", year: int = 2026) -> dict:
    return {
        "entry_id": f"jp-{agency}-{n}-{jp}-{status}-{year}",
        "agency_id": agency,
        "nip": nip(agency, n),
        "year": year,
        "jp": jp,
        "catalogue_code": "luar-katalog",
        "title": "Pelatihan",
        "competency": None,
        "plan_id": None,
        "item_id": None,
        "evidence": "SERT-1",
        "completed_on": date(year, 1, 10),
        "recorded_by": HR,
        "recorded_at": AT,
        "status": status,
    }


def nomination(agency: str, n: int, year: int = 2026, status: str = "nominated") -> dict:
    return {
        "agency_id": agency,
        "nip": nip(agency, n),
        "year": year,
        "first_year": year - 1,
        "appraisal_ids": f"apr-{agency}-{n}-a,apr-{agency}-{n}-b",
        "nominated_at": AT,
        "status": status,
        "withdrawn_at": None,
        "withdrawn_by_appraisal_id": None,
    }


@pytest.fixture
async def uow() -> FakeTrainingUnitOfWork:
    """A: three employees; plans for 2026 (two active, one completed, one superseded), one of 2025;
    employee 1 has 20 verified JP (12 + 8), employee 2 has 19 verified and 5 claimed. B: two
    employees, one completed plan, employee 1 has 24 JP. C: one employee and nothing else."""
    uow = FakeTrainingUnitOfWork()
    for agency, size in ((A, 3), (B, 2), (C, 1)):
        for n in range(1, size + 1):
            uow.roster.add_employee(agency, nip(agency, n), name=f"Pegawai {agency} {n}", unit="Bidang Umum")
    await uow.plans.add_many(
        [
            plan(A, 1, "active"),
            plan(A, 2, "active"),
            plan(A, 3, "completed"),
            plan(A, 1, "superseded"),
            plan(A, 3, "active", year=2025),
            plan(B, 1, "completed"),
        ],
        [],
    )
    for row in (
        entry(A, 1, 12),
        entry(A, 1, 8),
        entry(A, 2, 19),
        entry(A, 2, 5, "claimed"),
        entry(A, 3, 30, year=2025),
        entry(B, 1, 24),
    ):
        await uow.ledger.add(row)
    return uow


async def test_development_per_agency(uow):
    report = await province.development(uow, 2026)
    assert report["year"] == 2026 and report["entitlement_jp"] == 20
    assert [
        (x["agency_id"], x["plans_by_status"], x["plans"], x["employees"], x["with_jp"], x["fulfilled"])
        for x in report["agencies"]
    ] == [
        (A, {"active": 2, "completed": 1, "superseded": 1}, 3, 3, 2, 1),
        (B, {"active": 0, "completed": 1, "superseded": 0}, 1, 2, 1, 1),
        (C, {"active": 0, "completed": 0, "superseded": 0}, 0, 1, 0, 0),
    ]
    assert [x["not_fulfilled"] for x in report["agencies"]] == [2, 1, 1]
    assert report["totals"] == {"plans": 4, "employees": 6, "with_jp": 3, "fulfilled": 2, "not_fulfilled": 4}


async def test_the_same_fulfilment_as_the_agency_report(uow):
    mine = await views.development_report(uow, A, 2026, date(2026, 2, 1), 500, 0)
    seen = (await province.development(uow, 2026))["agencies"][0]
    assert seen["fulfilled"] == mine["jp_fulfilment"]["fulfilled"]
    assert seen["employees"] == mine["jp_fulfilment"]["total"]  # everyone in A's ledger is on its roster


async def test_another_year_counts_its_own_plans_and_jp(uow):
    report = await province.development(uow, 2025)
    a = report["agencies"][0]
    assert (a["plans"], a["with_jp"], a["fulfilled"]) == (1, 1, 1)


async def test_the_talent_pool_across_agencies_names_people(uow):
    for row in (
        nomination(B, 1),
        nomination(A, 2),
        nomination(A, 3, status="withdrawn"),
        nomination(A, 1, year=2025),
        nomination(B, 9),  # no longer on B's roster
    ):
        uow.talent.nominations[row["agency_id"], row["nip"], row["year"]] = row

    pool = await province.talent_pool(uow, 2026, 50, 0)

    assert [(n["agency_id"], n["nip"], n["name"], n["years"]) for n in pool["nominations"]] == [
        (A, nip(A, 2), f"Pegawai {A} 2", [2025, 2026]),
        (B, nip(B, 1), f"Pegawai {B} 1", [2025, 2026]),
        (B, nip(B, 9), None, [2025, 2026]),
    ]
    first = pool["nominations"][0]
    assert (first["unit"], first["appraisal_ids"]) == ("Bidang Umum", [f"apr-{A}-2-a", f"apr-{A}-2-b"])
    assert pool["next_offset"] is None
    page = await province.talent_pool(uow, 2026, 2, 0)
    assert page["next_offset"] == 2 and len(page["nominations"]) == 2
    assert [n["nip"] for n in (await province.talent_pool(uow, 2026, 2, 2))["nominations"]] == [nip(B, 9)]
    assert [n["nip"] for n in (await province.talent_pool(uow, 2025, 50, 0))["nominations"]] == [nip(A, 1)]
