"""Loading and saving SKP aggregates (every version with its RHK and IKI), within one agency."""

from kinerja_contracts.vocabulary import Aspect, RhkKind
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from target_service.adapters.orm import skp, skp_iki, skp_rhk, skp_versions
from target_service.domain.rhk import Indikator, RencanaHasilKerja
from target_service.domain.skp import Skp, SkpStatus, SkpVersion


async def _plans(session: AsyncSession, skp_ids: list[str]) -> dict[tuple[str, int], tuple[RencanaHasilKerja, ...]]:
    """(skp_id, version) -> its RHK rows with their IKI, in order."""
    if not skp_ids:
        return {}
    iki_rows = await session.execute(select(skp_iki).where(skp_iki.c.skp_id.in_(skp_ids)).order_by(skp_iki.c.position))
    by_rhk: dict[tuple[str, int, str], list[Indikator]] = {}
    for r in iki_rows:
        by_rhk.setdefault((r.skp_id, r.version, r.rhk_id), []).append(
            Indikator(r.iki_id, Aspect(r.aspect), r.description, r.target, r.unit, r.higher_is_better)
        )
    rhk_rows = await session.execute(select(skp_rhk).where(skp_rhk.c.skp_id.in_(skp_ids)).order_by(skp_rhk.c.position))
    plans: dict[tuple[str, int], list[RencanaHasilKerja]] = {}
    for r in rhk_rows:
        plans.setdefault((r.skp_id, r.version), []).append(RencanaHasilKerja(
            r.rhk_id, RhkKind(r.kind), r.description, tuple(by_rhk.get((r.skp_id, r.version, r.rhk_id), ())),
            r.supports_rhk_id, r.iku_id,
        ))
    return {key: tuple(rows) for key, rows in plans.items()}


async def _load(session: AsyncSession, rows) -> list[Skp]:
    rows = list(rows)
    ids = [r.skp_id for r in rows]
    plans = await _plans(session, ids)
    versions: dict[str, list[SkpVersion]] = {}
    if ids:
        for v in await session.execute(select(skp_versions).where(skp_versions.c.skp_id.in_(ids))
                                       .order_by(skp_versions.c.version)):
            versions.setdefault(v.skp_id, []).append(SkpVersion(
                v.version, plans.get((v.skp_id, v.version), ()), SkpStatus(v.status), v.notes, v.reason,
                v.approved_by, v.approved_at,
            ))
    return [Skp(r.skp_id, r.agency_id, r.period_id, r.nip, versions.get(r.skp_id, [])) for r in rows]


async def get_skp(session: AsyncSession, agency_id: str, skp_id: str) -> Skp | None:
    found = await _load(session, await session.execute(
        select(skp).where(skp.c.agency_id == agency_id, skp.c.skp_id == skp_id)))
    return found[0] if found else None


async def skp_of_employee(session: AsyncSession, agency_id: str, nip: str, period_id: str | None) -> list[Skp]:
    where = [skp.c.agency_id == agency_id, skp.c.nip == nip]
    if period_id:
        where.append(skp.c.period_id == period_id)
    return await _load(session, await session.execute(select(skp).where(*where).order_by(skp.c.period_id)))


async def skp_in_period(session: AsyncSession, agency_id: str, period_id: str, nips: list[str] | None = None) -> list[Skp]:
    where = [skp.c.agency_id == agency_id, skp.c.period_id == period_id]
    if nips is not None:
        where.append(skp.c.nip.in_(nips))
    return await _load(session, await session.execute(select(skp).where(*where).order_by(skp.c.nip)))


async def skp_exists(session: AsyncSession, agency_id: str, period_id: str, nip: str) -> bool:
    found = await session.scalar(
        select(skp.c.skp_id).where(skp.c.agency_id == agency_id, skp.c.period_id == period_id, skp.c.nip == nip)
    )
    return found is not None


async def _insert_plan(session: AsyncSession, s: Skp, v: SkpVersion) -> None:
    if not v.rhk:
        return
    await session.execute(insert(skp_rhk), [
        {"skp_id": s.skp_id, "version": v.number, "rhk_id": r.rhk_id, "kind": r.kind.value,
         "description": r.description, "supports_rhk_id": r.supports_rhk_id, "iku_id": r.iku_id, "position": n}
        for n, r in enumerate(v.rhk)
    ])
    await session.execute(insert(skp_iki), [
        {"skp_id": s.skp_id, "version": v.number, "iki_id": i.iki_id, "rhk_id": r.rhk_id, "aspect": i.aspect.value,
         "description": i.description, "target": i.target, "unit": i.unit, "higher_is_better": i.higher_is_better,
         "position": m}
        for r in v.rhk for m, i in enumerate(r.indikator)
    ])


def _version_values(v: SkpVersion) -> dict:
    return {"status": v.status.value, "notes": v.notes, "reason": v.reason, "approved_by": v.approved_by,
            "approved_at": v.approved_at}


async def add_skp(session: AsyncSession, s: Skp) -> None:
    await session.execute(insert(skp).values(
        skp_id=s.skp_id, agency_id=s.agency_id, period_id=s.period_id, nip=s.nip, version=s.version,
        status=s.latest.status.value,
    ))
    await _save_latest(session, s, is_new=True, plan_changed=True)


async def _save_latest(session: AsyncSession, s: Skp, is_new: bool, plan_changed: bool) -> None:
    v = s.latest
    if is_new:
        await session.execute(insert(skp_versions).values(skp_id=s.skp_id, version=v.number, **_version_values(v)))
    else:
        await session.execute(update(skp_versions).where(
            skp_versions.c.skp_id == s.skp_id, skp_versions.c.version == v.number).values(**_version_values(v)))
    if plan_changed:
        if not is_new:
            await session.execute(delete(skp_iki).where(skp_iki.c.skp_id == s.skp_id, skp_iki.c.version == v.number))
            await session.execute(delete(skp_rhk).where(skp_rhk.c.skp_id == s.skp_id, skp_rhk.c.version == v.number))
        await _insert_plan(session, s, v)


class ChangedMeanwhile(Exception):
    """Another request changed the SKP between this one's read and write."""


async def save_skp(session: AsyncSession, s: Skp, *, loaded: tuple[int | None, str], new_version: bool = False,
                   plan_changed: bool = False) -> None:
    """Only the latest version ever changes: earlier ones are history. ``loaded`` is the
    (version, status) the change was decided on; the write only lands if they still hold,
    so two appraisers' approve and return cannot both succeed."""
    version, status = loaded
    result = await session.execute(update(skp).where(
        skp.c.skp_id == s.skp_id, skp.c.version.is_(None) if version is None else skp.c.version == version,
        skp.c.status == status,
    ).values(version=s.version, status=s.latest.status.value))
    if result.rowcount != 1:
        raise ChangedMeanwhile(s.skp_id)
    await _save_latest(session, s, is_new=new_version, plan_changed=plan_changed or new_version)
