"""The province view (issue 11): every agency's development plans and 20 JP fulfilment for a
year, and the talent pool across agencies, the only province report that names people (the
province needs them to fill positions across agencies).

Read by the province admin only (the route's role), in a fixed number of statements whatever the
number of agencies or employees: counts grouped by agency in the database (``uow.province``), the
rosters' headcounts, and for the talent pool one read of the page's employees on the roster.
"""

from collections import defaultdict

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind

from training_service.domain import JP_ENTITLEMENT
from training_service.service_layer.unit_of_work import TrainingUnitOfWork
from training_service.service_layer.views import next_offset

PLAN_STATUSES = ("active", "completed", "superseded")
FIGURES = ("plans", "employees", "with_jp", "fulfilled", "not_fulfilled")


async def development(uow: TrainingUnitOfWork, year: int) -> dict:
    """Per agency: the development plans for ``year`` by status (``plans``: those not superseded),
    the employees on its roster now, those with verified JP in the year in its ledger, and those
    who reached the 20 JP entitlement (an employee who moved keeps their JP where they earned
    them, as the agency's own development report counts them)."""
    async with uow:
        plans = await uow.province.plans_by_status(year)
        fulfilment = {f.agency_id: f for f in await uow.province.fulfilment(year)}
        headcounts = await uow.roster.headcounts()
    by_status: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PLAN_STATUSES, 0))
    for agency_id, status, count in plans:
        by_status[agency_id][status] = by_status[agency_id].get(status, 0) + count
    agencies = []
    for agency_id in sorted(by_status.keys() | fulfilment.keys() | headcounts.keys()):
        statuses = by_status[agency_id]
        found = fulfilment.get(agency_id)
        employees, fulfilled = headcounts.get(agency_id, 0), found.fulfilled if found else 0
        agencies.append(
            {
                "agency_id": agency_id,
                "plans_by_status": statuses,
                "plans": sum(n for status, n in statuses.items() if status != "superseded"),
                "employees": employees,
                "with_jp": found.with_jp if found else 0,
                "fulfilled": fulfilled,
                "not_fulfilled": max(0, employees - fulfilled),
            }
        )
    return {
        "year": year,
        "entitlement_jp": JP_ENTITLEMENT,
        "agencies": agencies,
        "totals": {figure: sum(a[figure] for a in agencies) for figure in FIGURES},
    }


async def talent_pool(uow: TrainingUnitOfWork, year: int, limit: int, offset: int) -> dict:
    """A page of the standing talent-pool nominations of ``year`` (Sangat Baik that year and the
    year before) across agencies, by agency and NIP, each with the employee's name, position and
    unit from the agency's roster (None once they left it). Each read is kept in the access log
    of the employee's agency, where they and their HR see who read it."""
    async with uow:
        rows = await uow.province.talent_pool(year, limit, offset)
        people = await uow.roster.employees_in({(r["agency_id"], r["nip"]) for r in rows})
        await access_log.record_reads_across(
            uow, [(r["agency_id"], (Kind.TALENT_POOL, str(r["year"]), r["nip"])) for r in rows]
        )
    nominations = []
    for r in rows:
        person = people.get((r["agency_id"], r["nip"]))
        nominations.append(
            {
                "agency_id": r["agency_id"],
                "nip": r["nip"],
                "name": person.name if person else None,
                "position": person.position if person else None,
                "unit": person.unit if person else None,
                "years": [r["first_year"], r["year"]],
                "appraisal_ids": r["appraisal_ids"].split(","),
                "nominated_at": r["nominated_at"],
            }
        )
    return {
        "year": year,
        "nominations": nominations,
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(rows)),
    }
