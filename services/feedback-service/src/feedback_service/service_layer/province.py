"""The province view (issue 11): the citizens' satisfaction index (IKM) and service quality grade
(mutu) of every public-service unit of every agency, for one year, by the satisfaction rule of
PermenPANRB 14/2017 (domain/satisfaction.py) each agency's HR reads too.

Read by the province admin only (the route's role), a page of units at a time, in three
statements whatever the number of agencies or answers: the page of public units and the year's
periods (the roster projection), then every unit's score totals grouped in the database.
"""

from kinerja_contracts.vocabulary import Mutu

from feedback_service.domain.satisfaction import unit_satisfaction
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork


def next_offset(offset: int, limit: int, shown: int) -> int | None:
    """Where the next page starts; None when this page was the last (it was not full)."""
    return offset + limit if shown == limit else None


async def satisfaction(uow: FeedbackUnitOfWork, year: int, limit: int, offset: int) -> dict:
    """A page of the public units of every agency (by agency, then unit), each with its answers
    of the agency's period of ``year`` and, when it has any, its IKM, mutu and element means.
    A unit of an agency with no period that year has no period and no answers."""
    async with uow:
        units = await uow.roster.public_units(limit, offset)
        period_of = {p.agency_id: p.period_id for p in await uow.roster.periods_of_year(year)}
        totals = await uow.surveys.totals_of_units(
            {(u.agency_id, u.unit_id, period_of[u.agency_id]) for u in units if u.agency_id in period_of}
        )
    rows = []
    for unit in units:
        period_id = period_of.get(unit.agency_id)
        count, scores = totals.get((unit.agency_id, unit.unit_id, period_id or ""), (0, {}))
        row: dict[str, object] = {
            "agency_id": unit.agency_id,
            "unit_id": unit.unit_id,
            "name": unit.name,
            "period_id": period_id,
            "answers": count,
            "ikm": None,
            "mutu": None,
            "mutu_label": None,
            "element_means": None,
        }
        if count:
            found = unit_satisfaction(scores, count)
            row |= {
                "ikm": float(found.ikm),
                "mutu": found.mutu.value,
                "mutu_label": found.mutu.label,
                "element_means": {e.value: float(m) for e, m in found.element_means.items()},
            }
        rows.append(row)
    return {
        "year": year,
        "units": rows,
        "by_mutu": {m.value: sum(1 for r in rows if r["mutu"] == m.value) for m in Mutu},
        "without_answers": sum(1 for r in rows if not r["answers"]),
        "limit": limit,
        "offset": offset,
        "next_offset": next_offset(offset, limit, len(rows)),
    }
