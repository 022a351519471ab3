"""Calibration and distribution over an agency's (or unit's) annual results.

Both read each employee's *current* annual result: the final predikat once the appraiser
confirmed it (the latest revision after an objection), otherwise the proposed predikat.
Calibration happens while appraisers are still confirming, so proposals must count; with
``include_proposals`` false only final results are counted. Every report says how many of
its results are still proposals.
"""

from collections import Counter, defaultdict

from kinerja_contracts.vocabulary import Predikat
from kinerja_runtime import roster
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select

from appraisal_service.adapters import projections
from appraisal_service.adapters.orm import appraisals
from appraisal_service.adapters.records import CURRENT
from appraisal_service.domain import OrganisationPredikat, check_distribution, units_under


async def current_results(
    uow: UnitOfWork, agency_id: str, period_id: str, include_proposals: bool, unit_ids: set[str] | None = None
) -> list[dict]:
    employees = roster.known_employees
    query = (
        select(
            appraisals.c.nip,
            appraisals.c.status,
            appraisals.c.predikat,
            appraisals.c.proposed_predikat,
            employees.c.unit_id,
        )
        .select_from(
            appraisals.outerjoin(
                employees, (employees.c.agency_id == appraisals.c.agency_id) & (employees.c.nip == appraisals.c.nip)
            )
        )
        .where(
            appraisals.c.agency_id == agency_id,
            appraisals.c.period_id == period_id,
            appraisals.c.scope == "annual",
            appraisals.c.status.in_(CURRENT if include_proposals else ("final",)),
        )
    )
    if unit_ids is not None:
        query = query.where(employees.c.unit_id.in_(unit_ids))
    rows = (await uow.session.execute(query.order_by(appraisals.c.nip))).all()
    return [
        {
            "nip": r.nip,
            "unit_id": r.unit_id,
            "status": r.status,
            "predikat": r.predikat if r.status == "final" else r.proposed_predikat,
        }
        for r in rows
    ]


async def calibration(
    uow: UnitOfWork,
    agency_id: str,
    period_id: str,
    organisation_predikat: OrganisationPredikat,
    unit_id: str | None,
    include_proposals: bool,
) -> dict:
    unit_ids = None
    if unit_id is not None:
        await roster.unit(uow.session, agency_id, unit_id)
        # A unit's result covers the units below it, so their employees count too.
        unit_ids = units_under(await projections.unit_tree(uow.session, agency_id), [unit_id])
    results = await current_results(uow, agency_id, period_id, include_proposals, unit_ids)
    report = check_distribution(organisation_predikat, [Predikat(r["predikat"]) for r in results])
    bounds = [
        {
            "bound": b.bound.name,
            "predikat": [p.value for p in Predikat if p in b.bound.predikat],
            "limit": b.bound.limit,
            "percent": b.bound.percent,
            "count": b.bound.count,
            "allowed_count": b.allowed_count,
            "actual_count": b.actual_count,
            "actual_percent": b.actual_percent,
            "ok": b.ok,
        }
        for b in report.bounds
    ]
    return {
        "period_id": period_id,
        "unit_id": unit_id,
        "organisation_predikat": report.organisation_predikat.value,
        "include_proposals": include_proposals,
        "counts": {p.value: n for p, n in report.counts.items()},
        "total": report.total,
        "proposals_counted": sum(1 for r in results if r["status"] == "proposed"),
        "bounds": bounds,
        "violations": [b for b in bounds if not b["ok"]],
        "ok": not report.violations,
    }


async def distribution(uow: UnitOfWork, agency_id: str, period_id: str, include_proposals: bool) -> dict:
    results = await current_results(uow, agency_id, period_id, include_proposals)
    names = dict(
        (
            await uow.session.execute(
                select(roster.known_units.c.unit_id, roster.known_units.c.name).where(
                    roster.known_units.c.agency_id == agency_id
                )
            )
        ).all()
    )
    by_unit: dict[str | None, list[dict]] = defaultdict(list)
    for result in results:
        by_unit[result["unit_id"]].append(result)
    units = []
    for unit_id in sorted(by_unit, key=lambda u: (u is None, u or "")):
        tally = Counter(r["predikat"] for r in by_unit[unit_id])
        units.append(
            {
                "unit_id": unit_id,
                "name": names.get(unit_id),
                "total": len(by_unit[unit_id]),
                "proposed": sum(1 for r in by_unit[unit_id] if r["status"] == "proposed"),
                "counts": {p.value: tally.get(p.value, 0) for p in Predikat},
            }
        )
    tally = Counter(r["predikat"] for r in results)
    return {
        "period_id": period_id,
        "include_proposals": include_proposals,
        "units": units,
        "agency": {"total": len(results), "counts": {p.value: tally.get(p.value, 0) for p in Predikat}},
    }
