"""The province view (issue 11): the deadline view BKD needs, per agency, of how many SKPs of a
year were drafted, submitted and approved as of a date, against the employees on its roster.

Read by the province admin only (the route's role), in three statements whatever the number of
agencies or employees: the agencies' zones (each agency's day ends in its own), the progress and
the headcounts (``uow.province``). Figures name no employee.
"""

from datetime import date, datetime, time, timedelta, tzinfo

from kinerja_runtime.zones import zone_named

from target_service.service_layer.unit_of_work import TargetUnitOfWork

FIGURES = ("employees", "drafted", "submitted", "approved", "without_skp")


def end_of(day: date, zone: tzinfo) -> datetime:
    """The first instant after ``day`` in ``zone``."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


async def skp_progress(uow: TargetUnitOfWork, year: int, on: date | None = None) -> dict:
    """Per agency with a period of ``year`` or employees: employees on the roster now, SKPs of the
    year drafted, submitted (at least once) and approved by the end of ``on`` (default today), and
    how many employees have no SKP drafted by then. An agency with employees but no period of the
    year is listed with ``period_id`` None (nothing could be drafted there)."""
    async with uow:
        on = on or uow.clock.today()
        # "By the end of ``on``" where each agency works: its registered zone, else the default.
        ends = {a.agency_id: end_of(on, zone_named(str(a.timezone))) for a in await uow.agencies.all()}
        progress = await uow.province.skp_progress(year, end_of(on, uow.clock.zone), ends)
        headcounts = await uow.province.headcounts()
    by_agency = {p.agency_id: p for p in progress}
    agencies = []
    for agency_id in sorted(by_agency.keys() | headcounts.keys()):
        found = by_agency.get(agency_id)
        employees = headcounts.get(agency_id, 0)
        drafted = found.drafted if found else 0
        agencies.append(
            {
                "agency_id": agency_id,
                "period_id": found.period_id if found else None,
                "period_status": found.period_status if found else None,
                "employees": employees,
                "drafted": drafted,
                "submitted": found.submitted if found else 0,
                "approved": found.approved if found else 0,
                # An SKP of someone who left since is counted where it was drafted, not here.
                "without_skp": max(0, employees - drafted),
            }
        )
    return {
        "year": year,
        "on": on.isoformat(),
        "agencies": agencies,
        "totals": {figure: sum(a[figure] for a in agencies) for figure in FIGURES},
    }
