"""The access log (UU 27/2022 on personal data protection): who read or changed an employee's
personal record, when, which record and through which route -- never the record's content.

Each service records the accesses to the records it holds, in its own database (the
``access_log`` table of kinerja_runtime.tables), and answers ``GET /me/access-log`` (the
employee) and ``GET /employees/{nip}/access-log`` (HR of the agency) for them; the portal merges
the services' answers. See docs/adr/0008-access-log.md.

* A change is recorded in the transaction of the change (:func:`record_change`, before the
  unit of work commits): a change that rolls back leaves no entry, none is left unlogged.
* A read is recorded once it was authorised and its answer built (:func:`record_read`, which
  commits the request's own short transaction): a refused read records nothing.
* A list of many employees' records is one entry per record in ONE bulk insert
  (:func:`record_reads`, :func:`record_changes`).

Only people's accesses through the API are recorded: the caller and the route come from the
HTTP request the unit of work serves. A consumer applying an event, or a background job, is the
service's own processing and records nothing.
"""

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.db import Executor
from kinerja_runtime.deps import HR, Caller, unit_of_work
from kinerja_runtime.inputs import Offset, page_limit
from kinerja_runtime.refusals import NotFound
from kinerja_runtime.tables import access_log
from kinerja_runtime.uow import UnitOfWork


class Action(StrEnum):
    READ = "read"
    CHANGE = "change"


class Kind(StrEnum):
    """The kinds of personal record, and what their ``record_id`` names."""

    SKP = "skp"  # an SKP (skp_id), its versions, realisations and feedback notes included
    ROSTER = "roster"  # the employee's roster record (their NIP)
    FEEDBACK_ROUND = "feedback-round"  # a 360° feedback round about the employee (round_id)
    FEEDBACK = "feedback"  # all the employee's feedback of a period (period_id)
    APPRAISAL = "appraisal"  # an appraisal, any revision (appraisal_id)
    APPRAISAL_INPUTS = "appraisal-inputs"  # what appraisal-service holds of the employee's year (period_id)
    OBJECTION = "objection"  # an objection to an appraisal (objection_id)
    PLAN = "plan"  # a development plan (plan_id)
    DEVELOPMENT = "development"  # the employee's plans and plan decisions (their NIP)
    JP_LEDGER = "jp-ledger"  # the employee's JP ledger of a year (the year)
    TALENT_POOL = "talent-pool"  # the employee's talent-pool nomination (the year it was made for)
    RECOGNITION = (
        "recognition"  # a recognition of the employee recorded (recognition_id), or all of them read (their NIP)
    )
    CITIZEN_RATINGS = (
        "citizen-ratings"  # citizens' ratings of the employee as a recognition candidate (checkpoint or period id)
    )


ROLES = frozenset(role.value for role in Role)
NIP = re.compile(r"[0-9]{18}")
# The columns' sizes: a record id or a token's subject past them is cut, never refused.
ACTOR_MAX, RECORD_ID_MAX, ROUTE_MAX = 64, 128, 200


@dataclass(frozen=True)
class Accessor:
    """Who accesses and why-route: the caller of the request and its route template."""

    agency: str
    nip: str
    roles: str
    route: str


def accessor_of(uow: UnitOfWork) -> Accessor | None:
    request = getattr(uow, "request", None)
    if request is None:
        return None  # a consumer or a background job: the service's own processing
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        # A personal record reached through a route without a caller is a bug to see at once.
        raise RuntimeError("the access log needs an authenticated caller; this route has none")
    return accessor(principal, request.method, getattr(request.scope.get("route"), "path", "unmatched"))


def accessor(principal: Principal, method: str, route_template: str) -> Accessor:
    roles = ",".join(sorted(principal.roles & ROLES))  # unknown roles grant nothing: not kept
    return Accessor(principal.agency, principal.nip, roles, f"{method} {route_template}")


Entry = tuple[Kind, str, str]  # (record kind, record id, subject employee's NIP)


async def record_change(uow: UnitOfWork, kind: Kind, record_id: str, subject_nip: str) -> None:
    """Inside the change's unit of work, before it commits."""
    await _record(uow, Action.CHANGE, [(kind, record_id, subject_nip)])


async def record_changes(uow: UnitOfWork, records: Iterable[Entry]) -> None:
    await _record(uow, Action.CHANGE, records)


async def record_read(uow: UnitOfWork, kind: Kind, record_id: str, subject_nip: str) -> None:
    """After the read was authorised and answered, inside its unit of work: records the entry
    and commits (the read's own short transaction; a pooled connection is never held twice)."""
    await record_reads(uow, [(kind, record_id, subject_nip)])


async def record_reads(uow: UnitOfWork, records: Iterable[Entry], *, agency_id: str | None = None) -> None:
    """``agency_id``: the agency of the records' subjects when it is not the caller's (the
    province admin reads every agency's): the entries go to that agency's log, where the
    employees read them."""
    await _record(uow, Action.READ, records, agency_id)
    await uow.commit()


async def record_reads_across(uow: UnitOfWork, records: Iterable[tuple[str, Entry]]) -> None:
    """A read of records of several agencies (the province view): each (agency_id, entry) is
    kept in the log of the subject's agency, where the employee and their HR read it, naming the
    reader as any entry does. One statement, then the read's commit, as :func:`record_reads`."""
    who = accessor_of(uow)
    if who is not None:
        now = datetime.now(UTC)
        rows = [
            {**row, "agency_id": agency_id}
            for agency_id, entry in dict.fromkeys(records)
            for row in entry_rows(who, Action.READ, [entry], now)
        ]
        uow.insert_at_commit(access_log, rows)
    await uow.commit()


async def _record(uow: UnitOfWork, action: Action, records: Iterable[Entry], agency_id: str | None = None) -> None:
    who = accessor_of(uow)
    if who is None:
        return
    # With the change's commit, in one statement with its event where it has one (UnitOfWork.insert_at_commit).
    uow.insert_at_commit(access_log, entry_rows(who, action, records, datetime.now(UTC), agency_id))


def entry_rows(
    who: Accessor, action: Action, records: Iterable[Entry], now: datetime, agency_id: str | None = None
) -> list[dict]:
    """The table rows: one per record, in the order given, and only who/when/what/route; in the
    subjects' agency (``agency_id``, default the caller's)."""
    return [
        {
            "agency_id": agency_id or who.agency,
            "subject_nip": subject,
            "accessed_at": now,
            "actor_nip": who.nip[:ACTOR_MAX],
            "actor_roles": who.roles,
            "action": action.value,
            "record_kind": kind.value,
            "record_id": str(record_id)[:RECORD_ID_MAX],
            "route": who.route[:ROUTE_MAX],
        }
        for kind, record_id, subject in dict.fromkeys(records)
        # Every employee has an 18-digit NIP: a path value that is none (a read some roles may
        # make of any NIP, e.g. HR of a JP ledger) reads nobody's record; it is not stored.
        if NIP.fullmatch(subject)
    ]


def purge_older_than(retention: timedelta) -> Callable[[AsyncSession, datetime], Awaitable[None]]:
    """The retention purge, run with the outbox's (kinerja_runtime.outbox.OutboxRelay ``purges``)."""

    async def purge(session: AsyncSession, now: datetime) -> None:
        await session.execute(delete(access_log).where(access_log.c.accessed_at < now - retention))

    return purge


# --- reading the log -------------------------------------------------------------------------
EmployeeLookup = Callable[[Executor, str, str], Awaitable[object | None]]


async def known_employee(session: Executor, agency_id: str, nip: str) -> object | None:
    """On the roster projection of the consuming services (kinerja_runtime.roster)."""
    from kinerja_runtime.roster import known_employees

    return await session.scalar(
        select(known_employees.c.nip).where(known_employees.c.agency_id == agency_id, known_employees.c.nip == nip)
    )


async def entries(session: Executor, agency_id: str, nip: str, limit: int, offset: int) -> list[dict]:
    """One page of an employee's log in one agency, newest first."""
    rows = (
        await session.execute(
            select(access_log)
            .where(access_log.c.agency_id == agency_id, access_log.c.subject_nip == nip)
            .order_by(access_log.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [
        {
            "accessed_at": r.accessed_at.isoformat(),
            "actor_nip": r.actor_nip,
            "actor_roles": r.actor_roles.split(",") if r.actor_roles else [],
            "action": r.action,
            "record_kind": r.record_kind,
            "record_id": r.record_id,
            "route": r.route,
        }
        for r in rows
    ]


async def _has_entries(session: Executor, agency_id: str, nip: str) -> bool:
    return (
        await session.scalar(
            select(access_log.c.id).where(access_log.c.agency_id == agency_id, access_log.c.subject_nip == nip).limit(1)
        )
        is not None
    )


def router(employee: EmployeeLookup = known_employee) -> APIRouter:
    """The two read routes every service mounts. ``employee(session, agency_id, nip)``: the
    employee on the service's roster, or None."""
    routes = APIRouter(tags=["access log"])
    Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
    Limit = page_limit(200)

    @routes.get("/me/access-log", summary="Who read or changed my records held by this service, newest first")
    async def my_access_log(principal: Caller, uow: Uow, limit: Limit = 50, offset: Offset = 0) -> dict:
        async with uow:
            items = await entries(uow.session, principal.agency, principal.nip, limit, offset)
        return {"nip": principal.nip, "limit": limit, "offset": offset, "items": items}

    @routes.get(
        "/employees/{nip}/access-log",
        summary="Who read or changed an employee's records held by this service, newest first (HR)",
    )
    async def employee_access_log(
        nip: Annotated[str, Path(max_length=64)], principal: HR, uow: Uow, limit: Limit = 50, offset: Offset = 0
    ) -> dict:
        async with uow:
            items = await entries(uow.session, principal.agency, nip, limit, offset)
            # Neither on this agency's roster nor in its log (e.g. another agency's employee):
            # the same answer as for a NIP nobody has.
            if (
                not items
                and await employee(uow.session, principal.agency, nip) is None
                and not await _has_entries(uow.session, principal.agency, nip)
            ):
                raise NotFound("no such employee")
        return {"nip": nip, "limit": limit, "offset": offset, "items": items}

    return routes
