"""Calibration and distribution over an agency's (or unit's) annual results.

Both read each employee's *current* annual result: the final predikat once the appraiser
confirmed it (the latest revision after an objection), otherwise the proposed predikat.
Calibration happens while appraisers are still confirming, so proposals must count; with
``include_proposals`` false only final results are counted. Every report says how many of
its results are still proposals.
"""

from collections import Counter, defaultdict

from kinerja_contracts.vocabulary import Predikat
from kinerja_runtime.refusals import NotFound
from kinerja_runtime.spreadsheets import workbook_bytes

from appraisal_service.domain import (
    CURRENT,
    NO_PERIOD,
    OrganisationPredikat,
    Status,
    check_distribution,
    scope_of,
    units_under,
)
from appraisal_service.service_layer import views
from appraisal_service.service_layer.exports import distribution_sheets
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def _period_known(uow: AppraisalUnitOfWork, agency_id: str, period_id: str) -> None:
    if await uow.roster.period(agency_id, period_id) is None:
        raise NotFound(NO_PERIOD)


async def _current_results(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    include_proposals: bool,
    unit_ids: set[str] | None = None,
) -> list[dict]:
    """Each employee's current annual result by NIP, with the unit the roster names (None for
    one no longer on it); of ``unit_ids`` only, when given."""
    results = await uow.appraisals.results(
        agency_id, period_id, scope_of(None), CURRENT if include_proposals else (Status.FINAL,)
    )
    unit_of = {e.nip: e.unit_id for e in await uow.roster.members(agency_id)}
    found = [
        {
            "nip": r.nip,
            "unit_id": unit_of.get(r.nip),
            "status": r.status.value,
            "predikat": r.predikat if r.status is Status.FINAL else r.proposed_predikat,
        }
        for r in results
    ]
    if unit_ids is not None:
        found = [r for r in found if r["unit_id"] in unit_ids]
    return found


async def calibration(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    organisation_predikat: OrganisationPredikat,
    unit_id: str | None,
    include_proposals: bool,
) -> dict:
    async with uow:
        await _period_known(uow, agency_id, period_id)
        return await _calibration(uow, agency_id, period_id, organisation_predikat, unit_id, include_proposals)


async def _calibration(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    organisation_predikat: OrganisationPredikat,
    unit_id: str | None,
    include_proposals: bool,
) -> dict:
    unit_ids = None
    if unit_id is not None:
        if await uow.roster.unit(agency_id, unit_id) is None:
            raise NotFound("no such work unit")
        # A unit's result covers the units below it, so their employees count too.
        tree = {u.unit_id: u.parent_unit_id for u in await uow.roster.units(agency_id)}
        unit_ids = units_under(tree, [unit_id])
    results = await _current_results(uow, agency_id, period_id, include_proposals, unit_ids)
    report = check_distribution(organisation_predikat, [Predikat(r["predikat"]) for r in results])
    bounds = views.calibration_bounds(report)
    return {
        "period_id": period_id,
        "unit_id": unit_id,
        "organisation_predikat": report.organisation_predikat.value,
        "include_proposals": include_proposals,
        "counts": {p.value: n for p, n in report.counts.items()},
        "total": report.total,
        "proposals_counted": sum(1 for r in results if r["status"] == Status.PROPOSED),
        "bounds": bounds,
        "violations": [b for b in bounds if not b["ok"]],
        "ok": not report.violations,
    }


async def distribution(uow: AppraisalUnitOfWork, agency_id: str, period_id: str, include_proposals: bool) -> dict:
    async with uow:
        await _period_known(uow, agency_id, period_id)
        return await _distribution(uow, agency_id, period_id, include_proposals)


async def _distribution(uow: AppraisalUnitOfWork, agency_id: str, period_id: str, include_proposals: bool) -> dict:
    results = await _current_results(uow, agency_id, period_id, include_proposals)
    names: dict[str | None, str] = {u.unit_id: u.name for u in await uow.roster.units(agency_id)}
    recorded = await uow.organisation_predikats.get(agency_id, period_id)
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
                "proposed": sum(1 for r in by_unit[unit_id] if r["status"] == Status.PROPOSED),
                "counts": {p.value: tally.get(p.value, 0) for p in Predikat},
            }
        )
    tally = Counter(r["predikat"] for r in results)
    return {
        "period_id": period_id,
        "include_proposals": include_proposals,
        # What HR recorded as the agency's own predikat for the period (None: not recorded).
        "organisation_predikat": recorded.value if recorded else None,
        "units": units,
        "agency": {"total": len(results), "counts": {p.value: tally.get(p.value, 0) for p in Predikat}},
    }


async def distribution_workbook(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    include_proposals: bool,
    organisation_predikat: OrganisationPredikat | None,
    unit_id: str | None,
) -> bytes:
    """The distribution per unit as an .xlsx; with ``organisation_predikat``, a second sheet
    checks it (or ``unit_id``'s) against the curve, as :func:`calibration` does."""
    async with uow:
        period = await uow.roster.period(agency_id, period_id)
        if period is None:
            raise NotFound(NO_PERIOD)
        report = await _distribution(uow, agency_id, period_id, include_proposals)
        check = (
            await _calibration(uow, agency_id, period_id, organisation_predikat, unit_id, include_proposals)
            if organisation_predikat is not None
            else None
        )
    return await workbook_bytes(distribution_sheets(agency_id, period.year, report, check))


async def record_organisation_predikat(
    uow: AppraisalUnitOfWork, agency_id: str, period_id: str, predikat: OrganisationPredikat, set_by: str
) -> dict:
    """HR records the agency's own predikat of the period (its performance evaluation's result):
    the curve the province view checks the agency's distribution against. Recording it again
    replaces it."""
    async with uow:
        await _period_known(uow, agency_id, period_id)
        at = uow.clock.now()
        await uow.organisation_predikats.put(agency_id, period_id, OrganisationPredikat(predikat), set_by, at)
        await uow.commit()
    return {
        "period_id": period_id,
        "organisation_predikat": OrganisationPredikat(predikat).value,
        "set_by": set_by,
        "set_at": at.isoformat(),
    }
