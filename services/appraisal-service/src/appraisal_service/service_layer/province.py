"""The province view (issue 11): every agency's annual predikat against its own organisation
predikat and the SE MenPANRB 3/2023 curve, and every agency's objections, for one year.

Read by the province admin only (the route's role). Each read costs a fixed number of
statements: the year's periods of every agency (the roster projection), then the counts grouped
by agency in the database (``uow.province``), whatever the number of agencies or employees.
An agency is listed when its period of the year is known here; figures name no employee.
"""

from collections import Counter, defaultdict

from kinerja_contracts.vocabulary import Predikat

from appraisal_service.domain import ObjectionStatus, Status, check_distribution
from appraisal_service.service_layer import views
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def predikat_distribution(uow: AppraisalUnitOfWork, year: int) -> dict:
    """Per agency: the final annual predikat by category (``total`` of them), the results still
    only proposed (not counted), the organisation predikat its HR recorded (None when not known),
    and, when known, each bound of that predikat's curve with the share it allows and whether the
    final results keep to it (``violations``: the categories over or under the curve)."""
    async with uow:
        periods = await uow.roster.periods_of_year(year)
        keys = {(p.agency_id, p.period_id) for p in periods}
        counted = await uow.province.annual_predikat(keys)
        recorded = await uow.organisation_predikats.of_periods(keys)
    final: dict[tuple[str, str], Counter[Predikat]] = defaultdict(Counter)
    proposed: Counter[tuple[str, str]] = Counter()
    for row in counted:
        key = (row.agency_id, row.period_id)
        if row.status is Status.FINAL:
            final[key][Predikat(row.predikat)] += row.count
        else:
            proposed[key] += row.count
    agencies = []
    for p in periods:
        key = (p.agency_id, p.period_id)
        counts = final[key]
        entry: dict = {
            "agency_id": p.agency_id,
            "period_id": p.period_id,
            "total": sum(counts.values()),
            "proposed": proposed[key],
            "counts": {c.value: counts.get(c, 0) for c in Predikat},
            "organisation_predikat": None,
            "bounds": [],
            "violations": [],
            "ok": None,
        }
        organisation = recorded.get(key)
        if organisation is not None:
            # The domain's rule, given the final results one by one as the agency's HR sees them.
            report = check_distribution(organisation, counts.elements())
            bounds = views.calibration_bounds(report)
            entry |= {
                "organisation_predikat": organisation.value,
                "bounds": bounds,
                "violations": [b for b in bounds if not b["ok"]],
                "ok": not report.violations,
            }
        agencies.append(entry)
    return {
        "year": year,
        "agencies": agencies,
        "with_violations": sum(1 for a in agencies if a["ok"] is False),
        "without_organisation_predikat": sum(1 for a in agencies if a["organisation_predikat"] is None),
    }


async def objections(uow: AppraisalUnitOfWork, year: int) -> dict:
    """Per agency: objections filed against results of the year, still open, decided, and the
    decisions by outcome: ``upheld`` (the result stands, the objection is rejected) or
    ``changed`` (a revised result replaces it)."""
    async with uow:
        periods = await uow.roster.periods_of_year(year)
        counted = await uow.province.objections({(p.agency_id, p.period_id) for p in periods})
    by_status: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in counted:
        by_status[(row.agency_id, row.period_id)][row.status] += row.count
    agencies = []
    for p in periods:
        found = by_status[(p.agency_id, p.period_id)]
        upheld, changed = found[ObjectionStatus.UPHELD.value], found[ObjectionStatus.CHANGED.value]
        agencies.append(
            {
                "agency_id": p.agency_id,
                "period_id": p.period_id,
                "filed": sum(found.values()),
                "open": found[ObjectionStatus.OPEN.value],
                "decided": upheld + changed,
                "upheld": upheld,
                "changed": changed,
            }
        )
    return {
        "year": year,
        "agencies": agencies,
        "totals": {
            field: sum(a[field] for a in agencies) for field in ("filed", "open", "decided", "upheld", "changed")
        },
    }
