"""A shutdown step that never ends is given up after a bound, so a pod stops within its grace
period (kinerja_runtime.app._within)."""

import asyncio

from kinerja_runtime import app


async def test_a_step_that_never_ends_is_given_up_and_cancelled(monkeypatch):
    monkeypatch.setattr(app, "SHUTDOWN_STEP_SECONDS", 0.05)
    stuck = asyncio.get_running_loop().create_future()
    hung = asyncio.ensure_future(asyncio.shield(stuck))

    assert await app._within("a step that hangs", hung) is False
    assert hung.cancelled()


async def test_a_step_that_ends_in_time_is_awaited(monkeypatch):
    monkeypatch.setattr(app, "SHUTDOWN_STEP_SECONDS", 1.0)
    done = []

    async def step():
        done.append(True)

    assert await app._within("a quick step", step()) is True
    assert done == [True]
