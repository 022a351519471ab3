"""Loading and saving SKP aggregates (every version with its RHK and IKI), within one agency."""

from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.db import Executor, dialect_name
from kinerja_runtime.deferred import AtCommit
from sqlalchemy import and_, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from target_service.adapters.orm import employees, periods, skp, skp_iki, skp_rhk, skp_versions
from target_service.adapters.periods import PERIOD_COLUMNS, period_of
from target_service.adapters.roster import owner_facts, owner_of
from target_service.domain.period import Period
from target_service.domain.rhk import Indikator, RencanaHasilKerja
from target_service.domain.roster import Owner
from target_service.domain.skp import Skp, SkpStatus, SkpVersion


def _aggregate_query(
    *where,
    order_by,
    with_owner: bool = False,
    with_period: bool = False,
    lock: str | None = None,
    with_links: bool = False,
):
    """Every SKP matching ``where`` with all its versions, RHK and IKI, in one statement: one row
    per IKI (or per RHK without IKI, per version without RHK, per SKP without versions), in the
    order the SKPs, versions, RHK and IKI are shown. One round trip instead of one per table.
    ``with_owner``: each row also carries the owner's columns of roster.owner_facts;
    ``with_period``: and the period's (periods.PERIOD_COLUMNS), its row locked as ``lock`` says
    (see PeriodRepository.get); ``with_links`` (with the owner): and what the owner's RHK may
    support, the RHK ids of their appraiser's version in force in the period (:func:`_links_of`)."""
    source, owner_columns, period_columns = skp, [], []
    if with_owner:
        owner = employees.alias("owner")
        join, owner_columns = owner_facts(owner)
        source = join(skp.outerjoin(owner, and_(owner.c.agency_id == skp.c.agency_id, owner.c.nip == skp.c.nip)))
        if with_links:
            owner_columns = [*owner_columns, _links_of(owner.c.appraiser_nip)]
    if with_period:
        source = source.join(
            periods, and_(periods.c.period_id == skp.c.period_id, periods.c.agency_id == skp.c.agency_id)
        )
        period_columns = list(PERIOD_COLUMNS)
    query = (
        select(
            *owner_columns,
            *period_columns,
            skp.c.skp_id,
            skp.c.agency_id,
            skp.c.period_id,
            skp.c.nip,
            skp_versions.c.version.label("v_number"),
            skp_versions.c.status.label("v_status"),
            skp_versions.c.notes.label("v_notes"),
            skp_versions.c.reason.label("v_reason"),
            skp_versions.c.approved_by.label("v_approved_by"),
            skp_versions.c.approved_at.label("v_approved_at"),
            skp_versions.c.drafted_at.label("v_drafted_at"),
            skp_versions.c.submitted_at.label("v_submitted_at"),
            skp_rhk.c.rhk_id.label("r_id"),
            skp_rhk.c.kind.label("r_kind"),
            skp_rhk.c.description.label("r_description"),
            skp_rhk.c.supports_rhk_id.label("r_supports_rhk_id"),
            skp_rhk.c.iku_id.label("r_iku_id"),
            skp_iki.c.iki_id.label("i_id"),
            skp_iki.c.aspect.label("i_aspect"),
            skp_iki.c.description.label("i_description"),
            skp_iki.c.target.label("i_target"),
            skp_iki.c.unit.label("i_unit"),
            skp_iki.c.higher_is_better.label("i_higher_is_better"),
        )
        .select_from(
            source.outerjoin(skp_versions, skp_versions.c.skp_id == skp.c.skp_id)
            .outerjoin(
                skp_rhk, and_(skp_rhk.c.skp_id == skp_versions.c.skp_id, skp_rhk.c.version == skp_versions.c.version)
            )
            .outerjoin(
                skp_iki,
                and_(
                    skp_iki.c.skp_id == skp_rhk.c.skp_id,
                    skp_iki.c.version == skp_rhk.c.version,
                    skp_iki.c.rhk_id == skp_rhk.c.rhk_id,
                ),
            )
        )
        .where(*where)
        .order_by(order_by, skp.c.skp_id, skp_versions.c.version, skp_rhk.c.position, skp_iki.c.position)
    )
    # Only the period's row is locked (PostgreSQL refuses to lock the nullable side of an outer join).
    return query.with_for_update(read=lock == "share", of=periods) if lock else query


def _links_of(appraiser_nip):
    """The RHK ids of the appraiser's version in force in the SKP's period, comma-separated (ids
    are UUIDs), for each row: an index lookup per row, not a round trip."""
    in_force, rhk = skp.alias("appraiser_skp"), skp_rhk.alias("appraiser_rhk")
    return (
        select(func.aggregate_strings(rhk.c.rhk_id, ","))
        .select_from(in_force.join(rhk, and_(rhk.c.skp_id == in_force.c.skp_id, rhk.c.version == in_force.c.version)))
        .where(
            in_force.c.agency_id == skp.c.agency_id,
            in_force.c.period_id == skp.c.period_id,
            in_force.c.nip == appraiser_nip,
        )
        .scalar_subquery()
        .label("appraiser_rhk_ids")
    )


# A read of one SKP (its page, versions, document) reads it this way: built once, with
# parameters, because building the statement cost as much CPU as running it.
_ONE_WITH_OWNER = _aggregate_query(
    skp.c.agency_id == bindparam("agency_id"),
    skp.c.skp_id == bindparam("skp_id"),
    order_by=skp.c.skp_id,
    with_owner=True,
)
# ... and a change (submit, approve, realisation, ...) reads its period in the same statement,
# under the lock the change needs; a decision on its plan (submit, approve) also what its RHK
# may support (``with_links``).
_ONE_FOR_CHANGE = {
    (lock, with_links): _aggregate_query(
        skp.c.agency_id == bindparam("agency_id"),
        skp.c.skp_id == bindparam("skp_id"),
        order_by=skp.c.skp_id,
        with_owner=True,
        with_period=True,
        lock=lock,
        with_links=with_links,
    )
    for lock in (None, "share")
    for with_links in (False, True)
}


def _drafting_query():
    """An employee with the facts of roster.owner_facts, the period (its columns null when the
    agency has no such period) and the RHK ids of their appraiser's version in force in it (one
    row per RHK id; one row with a null id when there is none)."""
    owner = employees.alias("owner")
    join, owner_columns = owner_facts(owner)
    appraiser_skp = skp.alias("appraiser_skp")
    appraiser_rhk = skp_rhk.alias("appraiser_rhk")
    period_id = bindparam("period_id")
    return (
        select(*owner_columns, *PERIOD_COLUMNS, appraiser_rhk.c.rhk_id.label("appraiser_rhk_id"))
        .select_from(
            join(owner)
            .outerjoin(periods, and_(periods.c.agency_id == owner.c.agency_id, periods.c.period_id == period_id))
            .outerjoin(
                appraiser_skp,
                and_(
                    appraiser_skp.c.agency_id == owner.c.agency_id,
                    appraiser_skp.c.period_id == period_id,
                    appraiser_skp.c.nip == owner.c.appraiser_nip,
                ),
            )
            .outerjoin(
                appraiser_rhk,
                and_(
                    appraiser_rhk.c.skp_id == appraiser_skp.c.skp_id,
                    appraiser_rhk.c.version == appraiser_skp.c.version,
                ),
            )
        )
        .where(owner.c.agency_id == bindparam("agency_id"), owner.c.nip == bindparam("nip"))
    )


# Drafting an SKP reads what it needs in this one statement (instead of three).
_DRAFTING = _drafting_query()


async def _load(session: Executor, query, params: dict | None = None) -> list[tuple[Skp, Row]]:
    """Assemble the aggregates from the rows of :func:`_aggregate_query`, in their order; each
    with its first row (for the owner's columns)."""
    heads: dict[str, Row] = {}
    versions: dict[str, list] = {}  # skp_id -> [(version row, {rhk_id: (rhk row, [IKI])})]
    for r in await session.execute(query, params):
        if r.skp_id not in heads:
            heads[r.skp_id] = r
            versions[r.skp_id] = []
        if r.v_number is None:
            continue
        of_skp = versions[r.skp_id]
        if not of_skp or of_skp[-1][0].v_number != r.v_number:
            of_skp.append((r, {}))
        if r.r_id is None:
            continue
        plan = of_skp[-1][1]
        if r.r_id not in plan:
            plan[r.r_id] = (r, [])
        if r.i_id is not None:
            plan[r.r_id][1].append(
                Indikator(r.i_id, Aspect(r.i_aspect), r.i_description, r.i_target, r.i_unit, r.i_higher_is_better)
            )
    return [
        (
            Skp(
                head.skp_id,
                head.agency_id,
                head.period_id,
                head.nip,
                [
                    SkpVersion(
                        v.v_number,
                        tuple(
                            RencanaHasilKerja(
                                r.r_id, RhkKind(r.r_kind), r.r_description, tuple(iki), r.r_supports_rhk_id, r.r_iku_id
                            )
                            for r, iki in plan.values()
                        ),
                        SkpStatus(v.v_status),
                        v.v_notes,
                        v.v_reason,
                        v.v_approved_by,
                        v.v_approved_at,
                        v.v_drafted_at,
                        v.v_submitted_at,
                    )
                    for v, plan in versions[skp_id]
                ],
            ),
            head,
        )
        for skp_id, head in heads.items()
    ]


# The writes of every draft, submission and approval, built once: building a statement per
# request cost as much CPU as sending it. Parameters named b_* are the WHERE clause's; the
# others name the columns set.
_INSERT_SKP = insert(skp)
_UPDATE_VERSION = update(skp_versions).where(
    skp_versions.c.skp_id == bindparam("b_skp_id"), skp_versions.c.version == bindparam("b_version")
)
_DELETE_IKI = delete(skp_iki).where(skp_iki.c.skp_id == bindparam("skp_id"), skp_iki.c.version == bindparam("version"))
_DELETE_RHK = delete(skp_rhk).where(skp_rhk.c.skp_id == bindparam("skp_id"), skp_rhk.c.version == bindparam("version"))
# The optimistic write of an SKP's summary (version, status): lands only if the version in force
# and the latest status are still those the change was decided on (none in force yet: IS NULL).
_UPDATE_HEAD = {
    in_force_was_none: update(skp).where(
        skp.c.skp_id == bindparam("b_skp_id"),
        skp.c.version.is_(None) if in_force_was_none else skp.c.version == bindparam("b_version"),
        skp.c.status == bindparam("b_status"),
    )
    for in_force_was_none in (True, False)
}
_VERSION_COLUMNS = ("status", "notes", "reason", "approved_by", "approved_at", "drafted_at", "submitted_at")


def _head_and_version(in_force_was_none: bool):
    """A change of the latest version's state only (submit, approve, return): the optimistic
    write of the summary and the version's own in one statement; the version is written only
    when the summary was, so the statement's rowcount is the summary's."""
    head = (
        _UPDATE_HEAD[in_force_was_none]
        .values(version=bindparam("h_version"), status=bindparam("h_status"))
        .returning(skp.c.skp_id)
        .cte("head")
    )
    return (
        update(skp_versions)
        .where(
            skp_versions.c.skp_id == bindparam("b_skp_id"),
            skp_versions.c.version == bindparam("v_number"),
            exists(select(head.c.skp_id)),
        )
        .values({c: bindparam(f"v_{c}") for c in _VERSION_COLUMNS})
        .add_cte(head)
    )


_UPDATE_HEAD_AND_VERSION = {none: _head_and_version(none) for none in (True, False)}

# The RHK ids of an employee's version in force in a period: what their team's RHK may support.
_APPROVED_RHK_IDS = (
    select(skp_rhk.c.rhk_id)
    .select_from(skp.join(skp_rhk, and_(skp_rhk.c.skp_id == skp.c.skp_id, skp_rhk.c.version == skp.c.version)))
    .where(
        skp.c.agency_id == bindparam("agency_id"),
        skp.c.period_id == bindparam("period_id"),
        skp.c.nip == bindparam("nip"),
    )
)


def _insert_plan(at_commit: AtCommit, s: Skp, v: SkpVersion) -> None:
    at_commit(
        skp_rhk,
        [
            {
                "skp_id": s.skp_id,
                "version": v.number,
                "rhk_id": r.rhk_id,
                "kind": r.kind.value,
                "description": r.description,
                "supports_rhk_id": r.supports_rhk_id,
                "iku_id": r.iku_id,
                "position": n,
            }
            for n, r in enumerate(v.rhk)
        ],
    )
    at_commit(
        skp_iki,
        [
            {
                "skp_id": s.skp_id,
                "version": v.number,
                "iki_id": i.iki_id,
                "rhk_id": r.rhk_id,
                "aspect": i.aspect.value,
                "description": i.description,
                "target": i.target,
                "unit": i.unit,
                "higher_is_better": i.higher_is_better,
                "position": m,
            }
            for r in v.rhk
            for m, i in enumerate(r.indikator)
        ],
    )


def _version_values(v: SkpVersion) -> dict:
    """A version's columns (:data:`_VERSION_COLUMNS`), as stored."""
    return {c: v.status.value if c == "status" else getattr(v, c) for c in _VERSION_COLUMNS}


async def _save_latest(session: Executor, at_commit: AtCommit, s: Skp, is_new: bool, plan_changed: bool) -> None:
    """A new version and a new plan are inserted with the commit (nothing reads them back before
    it), in one statement with the change's event and access-log entry (kinerja_runtime.deferred)."""
    v = s.latest
    if is_new:
        at_commit(skp_versions, [{"skp_id": s.skp_id, "version": v.number, **_version_values(v)}])
    else:
        await session.execute(_UPDATE_VERSION, {"b_skp_id": s.skp_id, "b_version": v.number, **_version_values(v)})
    if plan_changed:
        if not is_new:
            await session.execute(_DELETE_IKI, {"skp_id": s.skp_id, "version": v.number})
            await session.execute(_DELETE_RHK, {"skp_id": s.skp_id, "version": v.number})
        _insert_plan(at_commit, s, v)


class SkpRepository:
    def __init__(self, session: Executor, at_commit: AtCommit):
        self.session = session
        self._at_commit = at_commit

    async def get(self, agency_id: str, skp_id: str) -> tuple[Skp, Owner | None] | None:
        """The SKP and its owner (with the facts of roster.owner_facts; None when off the roster), in one statement."""
        found = await _load(self.session, _ONE_WITH_OWNER, {"agency_id": agency_id, "skp_id": skp_id})
        return (found[0][0], owner_of(found[0][1])) if found else None

    async def get_for_change(
        self, agency_id: str, skp_id: str, lock: str | None = None
    ) -> tuple[Skp, Owner | None, Period] | None:
        """The SKP, its owner (as :meth:`get`) and its period, the period's row locked as ``lock``
        says (``"share"``: see PeriodRepository.get), in one statement."""
        found = await self._for_change(agency_id, skp_id, lock, with_links=False)
        return found[:3] if found else None

    async def for_decision(
        self, agency_id: str, skp_id: str, lock: str | None = None
    ) -> tuple[Skp, Owner | None, Period, frozenset[str]] | None:
        """As :meth:`get_for_change`, with the RHK ids of the owner's appraiser's version in force
        in the period (what the owner's RHK may support), in the same statement."""
        found = await self._for_change(agency_id, skp_id, lock, with_links=True)
        if not found:
            return None
        s, owner, period, head = found
        links = frozenset(head.appraiser_rhk_ids.split(",")) if head.appraiser_rhk_ids else frozenset()
        return s, owner, period, links

    async def _for_change(
        self, agency_id: str, skp_id: str, lock: str | None, with_links: bool
    ) -> tuple[Skp, Owner | None, Period, Row] | None:
        query = _ONE_FOR_CHANGE[lock, with_links]
        found = await _load(self.session, query, {"agency_id": agency_id, "skp_id": skp_id})
        if not found:
            return None
        s, head = found[0]
        return s, owner_of(head), await period_of(self.session, head, agency_id, s.period_id), head

    async def drafting(
        self, agency_id: str, nip: str, period_id: str
    ) -> tuple[Owner | None, Period | None, frozenset[str]]:
        """What drafting an SKP needs, in one statement: the employee as an owner (None: not on
        the roster), the period (None: not the agency's) and the RHK ids of their appraiser's
        version in force in it (what their RHK may support)."""
        rows = (
            await self.session.execute(_DRAFTING, {"agency_id": agency_id, "nip": nip, "period_id": period_id})
        ).all()
        if not rows:
            return None, None, frozenset()
        head = rows[0]
        period = await period_of(self.session, head, agency_id, period_id) if head.p_status is not None else None
        return owner_of(head), period, frozenset(r.appraiser_rhk_id for r in rows if r.appraiser_rhk_id is not None)

    async def of_employee(self, agency_id: str, nip: str, period_id: str | None) -> list[Skp]:
        where = [skp.c.agency_id == agency_id, skp.c.nip == nip]
        if period_id:
            where.append(skp.c.period_id == period_id)
        return [s for s, _ in await _load(self.session, _aggregate_query(*where, order_by=skp.c.period_id))]

    async def in_period(self, agency_id: str, period_id: str, nips: list[str] | None = None) -> list[Skp]:
        where = [skp.c.agency_id == agency_id, skp.c.period_id == period_id]
        if nips is not None:
            where.append(skp.c.nip.in_(nips))
        return [s for s, _ in await _load(self.session, _aggregate_query(*where, order_by=skp.c.nip))]

    async def approved_rhk_ids(self, agency_id: str, period_id: str, nip: str) -> frozenset[str]:
        """The RHK ids of the employee's version in force in the period (none: no SKP approved)."""
        rows = await self.session.execute(
            _APPROVED_RHK_IDS, {"agency_id": agency_id, "period_id": period_id, "nip": nip}
        )
        return frozenset(rows.scalars())

    async def add(self, s: Skp) -> bool:
        """False (nothing stored) when the employee already has an SKP in the period: the unique
        constraint (agency, period, employee) answers, no read first."""
        try:
            await self.session.execute(
                _INSERT_SKP,
                {
                    "skp_id": s.skp_id,
                    "agency_id": s.agency_id,
                    "period_id": s.period_id,
                    "nip": s.nip,
                    "version": s.version,
                    "status": s.latest.status.value,
                },
            )
        except IntegrityError:
            return False
        await _save_latest(self.session, self._at_commit, s, is_new=True, plan_changed=True)
        return True

    async def save(
        self,
        s: Skp,
        *,
        loaded: tuple[int | None, str],
        new_version: bool = False,
        plan_changed: bool = False,
    ) -> bool:
        """Only the latest version ever changes: earlier ones are history. ``loaded`` is the
        (version, status) the change was decided on; the write only lands if they still hold,
        so two appraisers' approve and return cannot both succeed. False (nothing written) when
        another request changed the SKP between this one's read and write."""
        version, status = loaded
        was = {"b_skp_id": s.skp_id, "b_status": status} | ({} if version is None else {"b_version": version})
        if (
            not (new_version or plan_changed) and dialect_name(self.session) == "postgresql"
        ):  # SQLite: no UPDATE in WITH
            v = s.latest
            changed = {"h_version": s.version, "h_status": v.status.value, "v_number": v.number}
            values = {f"v_{column}": value for column, value in _version_values(v).items()}
            result = await self.session.execute(_UPDATE_HEAD_AND_VERSION[version is None], was | changed | values)
            return result.rowcount == 1
        result = await self.session.execute(
            _UPDATE_HEAD[version is None], {**was, "version": s.version, "status": s.latest.status.value}
        )
        if result.rowcount != 1:
            return False
        await _save_latest(
            self.session, self._at_commit, s, is_new=new_version, plan_changed=plan_changed or new_version
        )
        return True
