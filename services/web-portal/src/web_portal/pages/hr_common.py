"""What the pengelola kinerja (agency HR) pages share: the role guard, paging, the periods and the
public units. Not a router module (it is not in MODULES)."""

from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Query, Request, Response

from web_portal.clients import api
from web_portal.session import User, require_role

Hr = Annotated[User, Depends(require_role("hr"))]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@dataclass(frozen=True)
class Pager:
    """Previous/next offsets of a page of ``limit`` rows (None when there is no such page)."""

    offset: int
    limit: int
    shown: int
    total: int | None = None  # unknown when the service gives only next_offset

    @property
    def previous(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        if self.total is not None:
            return self.offset + self.limit if self.offset + self.limit < self.total else None
        return self.offset + self.limit if self.shown == self.limit else None


def flatten_units(tree: list[dict], depth: int = 0) -> list[dict]:
    """The unit tree in reading order, each unit with its ``depth`` (for lists and selects)."""
    found = []
    for unit in tree:
        found.append({**{k: v for k, v in unit.items() if k != "units"}, "depth": depth})
        found += flatten_units(unit.get("units") or [], depth + 1)
    return found


async def all_units(request: Request) -> list[dict]:
    return flatten_units((await api(request).target.get("/units")).get("units", []))


async def all_periods(request: Request) -> list[dict]:
    """The agency's periods, latest year first."""
    items = (await api(request).target.get("/periods")).get("items", [])
    return sorted(items, key=lambda p: p["year"], reverse=True)


def chosen_period(periods: list[dict], period_id: str | None) -> dict | None:
    """The period asked for, else the open one, else the latest."""
    if period_id:
        return next((p for p in periods if p["period_id"] == period_id), None)
    return next((p for p in periods if p.get("status") == "open"), periods[0] if periods else None)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def passed_on(answer: httpx.Response, fallback_name: str) -> Response:
    """A service's .xlsx export handed to the browser as the download it is (the service names
    the file; nothing of it is cached)."""
    disposition = answer.headers.get("content-disposition") or f'attachment; filename="{fallback_name}"'
    return Response(
        answer.content,
        media_type=answer.headers.get("content-type", XLSX),
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
