"""FastAPI dependencies every service's routes share: who calls (one alias per role set), and
a fresh unit of work per request. A service's ``entrypoints/deps.py`` re-exports these and adds
its own ``Uow`` alias (typed as its unit of work); no route file declares a role alias."""

from typing import Annotated

from fastapi import Depends, Request

from kinerja_runtime.auth import Principal, Role, current_principal, require_roles
from kinerja_runtime.uow import UnitOfWork

Caller = Annotated[Principal, Depends(current_principal)]
"""Any signed-in caller (what they may see is the use case's decision)."""
HR = Annotated[Principal, Depends(require_roles(Role.HR))]
HrOrAppraiser = Annotated[Principal, Depends(require_roles(Role.HR, Role.APPRAISER))]
ProvinceAdmin = Annotated[Principal, Depends(require_roles(Role.PROVINCE_ADMIN))]


async def unit_of_work(request: Request) -> UnitOfWork:
    # async: a plain function would be run on a worker thread, a hop every request pays
    uow = request.app.state.runtime.uows()
    uow.request = request  # who calls and through which route, for the access log
    return uow
