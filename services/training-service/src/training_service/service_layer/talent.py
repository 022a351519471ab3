"""Keeping each employee's annual predikat per year and nominating two consecutive years of
Sangat Baik for the talent pool -> TalentPoolNominated.

The year comes from the period in the roster projection. The period and the appraisal
arrive on different topics, so an appraisal may come first: its result is kept with no
year and the nomination is checked again when the period arrives.
"""

from datetime import datetime

from kinerja_contracts import PerformancePeriodOpened, TalentPoolNominated
from kinerja_contracts.vocabulary import Predikat
from kinerja_runtime import roster
from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import insert, select, update

from training_service.adapters.orm import annual_results, talent_nominations
from training_service.domain import AnnualResult, nominations_after


async def record_annual(uow: UnitOfWork, agency_id: str, nip: str, period_id: str, predikat: Predikat,
                        appraisal_id: str, at: datetime) -> None:
    try:
        year = (await roster.period(uow.session, agency_id, period_id)).year
    except NotFound:
        year = None
    key = (annual_results.c.agency_id == agency_id, annual_results.c.nip == nip,
           annual_results.c.period_id == period_id)
    values = {"year": year, "predikat": predikat.value, "appraisal_id": appraisal_id, "recorded_at": at}
    if (await uow.session.execute(select(annual_results.c.nip).where(*key))).first() is None:
        await uow.session.execute(insert(annual_results).values(agency_id=agency_id, nip=nip, period_id=period_id,
                                                                **values))
    else:  # a revision replaces the result of its year
        await uow.session.execute(update(annual_results).where(*key).values(**values))
    if year is not None:
        await _nominate(uow, agency_id, nip, year, at)


async def on_period_opened(event: PerformancePeriodOpened, envelope, uow: UnitOfWork) -> None:
    await roster.on_period_opened(event, envelope, uow)
    waiting = (await uow.session.execute(select(annual_results.c.nip, annual_results.c.recorded_at).where(
        annual_results.c.agency_id == event.agency_id, annual_results.c.period_id == event.period_id,
        annual_results.c.year.is_(None),
    ))).all()
    await uow.session.execute(update(annual_results).where(
        annual_results.c.agency_id == event.agency_id, annual_results.c.period_id == event.period_id,
    ).values(year=event.year))
    for row in waiting:
        await _nominate(uow, event.agency_id, row.nip, event.year, row.recorded_at)


async def _nominate(uow: UnitOfWork, agency_id: str, nip: str, year: int, at: datetime) -> None:
    rows = (await uow.session.execute(select(annual_results).where(
        annual_results.c.agency_id == agency_id, annual_results.c.nip == nip, annual_results.c.year.is_not(None),
    ))).all()
    history = {r.year: AnnualResult(r.year, Predikat(r.predikat), r.appraisal_id) for r in rows}
    for nomination in nominations_after(history, year):
        later = nomination.years[1]
        exists = await uow.session.scalar(select(talent_nominations.c.year).where(
            talent_nominations.c.agency_id == agency_id, talent_nominations.c.nip == nip,
            talent_nominations.c.year == later,
        ))
        if exists is not None:
            continue  # nominated once per pair of years, however often results are replayed or revised
        await uow.session.execute(insert(talent_nominations).values(
            agency_id=agency_id, nip=nip, year=later, first_year=nomination.years[0],
            appraisal_ids=",".join(nomination.appraisal_ids), nominated_at=at,
        ))
        await uow.publish(TalentPoolNominated(
            agency_id=agency_id, nip=nip, years=list(nomination.years), appraisal_ids=list(nomination.appraisal_ids),
            nominated_at=at,
        ))
