"""FastAPI dependencies for routes: a fresh unit of work per request."""

from fastapi import Request

from kinerja_runtime.uow import UnitOfWork


async def unit_of_work(request: Request) -> UnitOfWork:
    # async: a plain function would be run on a worker thread, a hop every request pays
    uow = request.app.state.runtime.uows()
    uow.request = request  # who calls and through which route, for the access log
    return uow
