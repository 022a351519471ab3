"""FastAPI dependencies for routes: a fresh unit of work per request."""

from fastapi import Request

from kinerja_runtime.uow import UnitOfWork


def unit_of_work(request: Request) -> UnitOfWork:
    return request.app.state.runtime.uows()
