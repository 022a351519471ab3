"""The province benchmark's request limit: at most n at once, in arrival order, and a waiter
cancelled (Ctrl-C with the whole phase queued) gives up its turn without holding a place."""

import asyncio

from kinerja_devtools.province_bench.client import Limit


async def test_at_most_n_hold_it_in_the_order_they_came():
    limit, holding, most, order = Limit(2), 0, 0, []

    async def request(i: int) -> None:
        nonlocal holding, most
        async with limit:
            holding += 1
            most = max(most, holding)
            order.append(i)
            await asyncio.sleep(0)
            holding -= 1

    await asyncio.gather(*(request(i) for i in range(20)))
    assert most == 2 and order == list(range(20))


async def test_cancelled_waiters_are_skipped_and_the_places_come_back():
    limit, gate = Limit(1), asyncio.Event()

    async def hold() -> None:
        async with limit:
            await gate.wait()

    holder = asyncio.create_task(hold())
    waiters = [asyncio.create_task(hold()) for _ in range(1000)]
    await asyncio.sleep(0)
    for w in waiters[:-1]:
        w.cancel()
    await asyncio.gather(*waiters[:-1], return_exceptions=True)
    gate.set()
    await asyncio.wait_for(asyncio.gather(holder, waiters[-1]), timeout=5)
    async with limit:  # the one place is free again
        pass
