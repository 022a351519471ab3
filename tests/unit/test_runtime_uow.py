"""A unit of work on a plain connection (UnitOfWork.plain_connection) keeps the session's
promise: state and outbox rows land together on commit, and nothing of a unit left without a
commit is stored."""

from kinerja_contracts import PerformancePeriodOpened
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.tables import messaging_metadata, outbox
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection


class PlainUnitOfWork(UnitOfWork):
    plain_connection = True


def _event(period_id: str) -> PerformancePeriodOpened:
    return PerformancePeriodOpened(
        agency_id="dinkes", period_id=period_id, year=2026, starts_on="2026-01-01", ends_on="2026-12-31"
    )


async def test_a_plain_connection_unit_commits_its_events_or_stores_nothing(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all, tables=[outbox])
    woken = []
    sessions = session_factory(engine)
    try:
        async with PlainUnitOfWork(sessions, "/kinerja/tests", on_commit=lambda: woken.append(1)) as uow:
            assert isinstance(uow.session, AsyncConnection)
            await uow.publish(_event("kept"))
            await uow.commit()
        async with PlainUnitOfWork(sessions, "/kinerja/tests") as uow:
            await uow.publish(_event("dropped"))  # no commit: rolled back on leaving
        async with sessions() as session:
            stored = (await session.execute(select(outbox.c.payload))).scalars().all()
    finally:
        await engine.dispose()
    assert len(stored) == 1 and '"period_id":"kept"' in stored[0].replace(" ", "")
    assert woken == [1]


async def test_after_commit_runs_once_the_unit_commits_and_never_on_a_rollback(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all, tables=[outbox])
    sessions, called = session_factory(engine), []
    try:
        async with PlainUnitOfWork(sessions, "/kinerja/tests") as uow:
            uow.after_commit(lambda: called.append("rolled back"))  # left without a commit
        async with PlainUnitOfWork(sessions, "/kinerja/tests") as uow:
            uow.after_commit(lambda: called.append("committed"))
            assert called == []
            await uow.commit()
            await uow.commit()  # once: a later commit of the same unit does not call it again
    finally:
        await engine.dispose()
    assert called == ["committed"]
