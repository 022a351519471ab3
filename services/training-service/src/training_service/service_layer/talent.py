"""Keeping each employee's annual predikat per year and nominating two consecutive years of
Sangat Baik for the talent pool -> TalentPoolNominated; a revision that lowers one of the
two years withdraws the nomination -> TalentPoolWithdrawn.

Results apply by version, not by arrival (issue 8 item 13): a period's result is replaced
only by a later one, ordered by the appraisal's revision number and then by the time it was
made (``completed_at`` / ``revised_at``). An older result arriving late, or a replayed one,
changes nothing, so it can neither roll a revision back nor bring a withdrawn nomination back.

The year comes from the period in the roster projection. The period and the appraisal
arrive on different topics, so an appraisal may come first: its result is kept with no
year and the nomination is checked again when the period arrives.

Set-based: a batch reads the periods, the employees' results and their nominations once,
walks its events in order against that state in memory (so each nomination is made by the
event that completes it, as if the events were applied one by one), then writes once.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kinerja_contracts import (
    CloudEventAttributes,
    Event,
    PerformancePeriodOpened,
    TalentPoolNominated,
    TalentPoolWithdrawn,
)
from kinerja_contracts.vocabulary import Predikat
from kinerja_runtime.messaging import Delivered

from training_service.domain import AnnualResult, nominations_after, version, withdrawn_after
from training_service.service_layer.appraised import Appraised
from training_service.service_layer.unit_of_work import TrainingUnitOfWork

Employee = tuple[str, str]  # (agency_id, nip)
NOMINATED, WITHDRAWN = "nominated", "withdrawn"


@dataclass
class _Talent:
    """The batch's employees as stored before it: results by period, nominations by
    (agency, nip, later year), and the nomination rows the batch changed."""

    results: dict[Employee, dict[str, dict]] = field(default_factory=lambda: defaultdict(dict))
    nominations: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    changed: dict[tuple[str, str, int], dict] = field(default_factory=dict)

    def _history(self, employee: Employee) -> dict[int, AnnualResult]:
        return {
            r["year"]: AnnualResult(r["year"], Predikat(r["predikat"]), r["appraisal_id"])
            for r in self.results[employee].values()
            if r["year"] is not None
        }

    def _standing(self, employee: Employee) -> set[int]:
        return {
            year
            for (agency_id, nip, year), row in self.nominations.items()
            if (agency_id, nip) == employee and row["status"] == NOMINATED
        }

    def _store(self, row: dict) -> None:
        key = (row["agency_id"], row["nip"], row["year"])
        self.nominations[key] = self.changed[key] = row

    def nominate(self, employee: Employee, year: int, at: datetime) -> list[TalentPoolNominated]:
        """The nominations the result of ``year`` completes, each pair of years once however
        often results are replayed (again after a withdrawal, when a revision restores it)."""
        agency_id, nip = employee
        standing = self._standing(employee)
        made = []
        for nomination in nominations_after(self._history(employee), year):
            later = nomination.years[1]
            if later in standing:
                continue
            self._store(
                {
                    "agency_id": agency_id,
                    "nip": nip,
                    "year": later,
                    "first_year": nomination.years[0],
                    "appraisal_ids": ",".join(nomination.appraisal_ids),
                    "nominated_at": at,
                    "status": NOMINATED,
                    "withdrawn_at": None,
                    "withdrawn_by_appraisal_id": None,
                }
            )
            made.append(
                TalentPoolNominated(
                    agency_id=agency_id,
                    nip=nip,
                    years=list(nomination.years),
                    appraisal_ids=list(nomination.appraisal_ids),
                    nominated_at=at,
                )
            )
        return made

    def withdraw(self, employee: Employee, year: int, revised: Appraised) -> list[TalentPoolWithdrawn]:
        """The standing nominations the (revised) result of ``year`` no longer supports."""
        agency_id, nip = employee
        made = []
        for later in withdrawn_after(self._history(employee), year, self._standing(employee)):
            row = self.nominations[(agency_id, nip, later)]
            self._store(
                {
                    **row,
                    "status": WITHDRAWN,
                    "withdrawn_at": revised.at,
                    "withdrawn_by_appraisal_id": revised.appraisal_id,
                }
            )
            made.append(
                TalentPoolWithdrawn(
                    agency_id=agency_id,
                    nip=nip,
                    years=[row["first_year"], later],
                    appraisal_ids=row["appraisal_ids"].split(","),
                    revised_appraisal_id=revised.appraisal_id,
                    withdrawn_at=revised.at,
                )
            )
        return made

    async def save_nominations(self, uow: TrainingUnitOfWork) -> None:
        await uow.talent.save_nominations(self.changed.values())


async def _load(uow: TrainingUnitOfWork, employees: Iterable[Employee]) -> _Talent:
    talent = _Talent()
    results, nominations = await uow.talent.of_employees(set(employees))
    for r in results:
        talent.results[(r["agency_id"], r["nip"])][r["period_id"]] = r
    talent.nominations = {(r["agency_id"], r["nip"], r["year"]): r for r in nominations}
    return talent


async def record_annuals(uow: TrainingUnitOfWork, appraised: Sequence[Appraised]) -> dict[str, list[Event]]:
    """Keep each annual result that is later than the one stored for its period, and make
    the withdrawals and nominations it causes; returns the events to publish, by appraisal
    id, for the caller to announce in order with the plans."""
    periods = await uow.roster.periods_in({(a.agency_id, a.period_id) for a in appraised})
    years = {key: period.year for key, period in periods.items()}
    talent = await _load(uow, {(a.agency_id, a.nip) for a in appraised})
    written: dict[tuple[str, str, str], dict] = {}
    made: dict[str, list[Event]] = {}
    for a in appraised:
        employee = (a.agency_id, a.nip)
        stored = talent.results[employee].get(a.period_id)
        if stored is not None and version(a.revision, a.at) <= version(stored["revision"], stored["recorded_at"]):
            continue  # older than (or the same as) the result kept: state stays as it is
        year = years.get((a.agency_id, a.period_id)) or (stored or {}).get("year")
        row = {
            "agency_id": a.agency_id,
            "nip": a.nip,
            "period_id": a.period_id,
            "year": year,
            "predikat": a.predikat.value,
            "appraisal_id": a.appraisal_id,
            "recorded_at": a.at,
            "revision": a.revision,
        }
        talent.results[employee][a.period_id] = row
        written[(a.agency_id, a.nip, a.period_id)] = row
        if year is not None:
            made[a.appraisal_id] = [*talent.withdraw(employee, year, a), *talent.nominate(employee, year, a.at)]
    await uow.talent.save_results(written.values())
    await talent.save_nominations(uow)
    return made


async def on_periods_opened(batch: Sequence[Delivered[PerformancePeriodOpened]], uow: TrainingUnitOfWork) -> None:
    """Give the results that arrived before their period a year, and check the talent pool
    for them. Runs after the roster's own handler of the same events."""
    periods = {(d.event.agency_id, d.event.period_id) for d in batch}
    waiting = await uow.talent.waiting_for_year(periods)
    talent = await _load(uow, {(agency_id, nip) for agency_id, nip, _ in waiting})
    by_period: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for employee, results in talent.results.items():
        for period_id, row in results.items():
            by_period[(employee[0], period_id)].append(row)
    years: dict[tuple[str, str], int] = {}
    nominations: list[TalentPoolNominated] = []
    causes: list[CloudEventAttributes] = []
    for d in batch:
        e = d.event
        rows = by_period[(e.agency_id, e.period_id)]
        now_known = [r for r in rows if r["year"] is None]
        for r in rows:
            r["year"] = e.year
        years[(e.agency_id, e.period_id)] = e.year
        for r in now_known:
            for nomination in talent.nominate((r["agency_id"], r["nip"]), e.year, r["recorded_at"]):
                nominations.append(nomination)
                causes.append(d.envelope.attributes)
    # One statement for every nomination of the batch, each naming its period's event as cause.
    await uow.publish_many(nominations, causes=causes)
    # Every result of the period takes its year, as the period's own event says.
    await uow.talent.set_years(years)
    await talent.save_nominations(uow)
