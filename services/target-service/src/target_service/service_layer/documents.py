"""Official documents of target-service: the SKP form as PDF (adapters/skp_document.py lays it out)."""

from datetime import date, datetime, tzinfo

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.documents import Person, Rendered, render_off_loop

from target_service.adapters.skp_document import IkiLine, RhkLine, SkpForm, render_skp_form
from target_service.domain.organisation import heads_agency
from target_service.domain.roster import Employee, Owner
from target_service.domain.skp import Skp, SkpStatus, SkpVersion
from target_service.service_layer.periods import period_or_404
from target_service.service_layer.skp import appraiser_of, skp_or_404
from target_service.service_layer.unit_of_work import TargetUnitOfWork


def _person(nip: str | None, found: dict[str, Employee]) -> Person:
    """Someone as the roster knows them now; only the NIP of someone no longer on it (or nobody)."""
    e = found.get(nip) if nip else None
    if e is None:
        return Person(nip)
    return Person(e.nip, e.name, e.position, e.unit)


def _local_day(zone: tzinfo, at: datetime | None) -> date | None:
    """The agency's date of ``at`` (its zone: ``await uow.zone(agency_id)``)."""
    return at.astimezone(zone).date() if at else None


def _rhk_texts(skps: list[Skp]) -> dict[str, str]:
    """The description of every RHK of these SKPs by id: the version in force first, then the
    earlier approved versions (a link made to an RHK a later revision dropped keeps its text)."""
    texts: dict[str, str] = {}
    for s in skps:
        approved = [v for v in reversed(s.versions) if v.status is SkpStatus.APPROVED]
        for v in approved:
            for r in v.rhk:
                texts.setdefault(r.rhk_id, r.description)
    return texts


async def skp_document(uow: TargetUnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool) -> Rendered:
    """The SKP form of the version in force (or, while none is approved, the latest version with its
    status and a DRAFT mark), read by whoever may read the SKP (the owner, their appraiser, HR);
    to anyone else the SKP is missing. The pejabat penilai is who approved the version printed
    (else the owner's appraiser on the roster now); the atasan is that appraiser's own appraiser."""
    async with uow:
        s, owner = await skp_or_404(uow, agency_id, skp_id, actor_nip=actor_nip, is_hr=is_hr)
        period = await period_or_404(uow, agency_id, s.period_id)
        version = s.in_force or s.latest
        roster_appraiser = appraiser_of(owner)
        penilai = version.approved_by if version.status is SkpStatus.APPROVED else None
        penilai = penilai or roster_appraiser
        people = await uow.roster.employees(agency_id, {n for n in (s.nip, penilai) if n})
        atasan = people[penilai].appraiser_nip if penilai in people else None
        if atasan:
            people |= await uow.roster.employees(agency_id, [atasan])
        intervened, shown = await _intervened(uow, s, version, {n for n in (penilai, roster_appraiser) if n})
        units = await uow.organisation.units(agency_id)
        zone = await uow.zone(agency_id)
        # The SKP, and the appraisers' plans whose RHK texts it prints: each in its owner's access log.
        await access_log.record_reads(uow, [(Kind.SKP, s.skp_id, s.nip), *((Kind.SKP, t.skp_id, t.nip) for t in shown)])
    root = next((u for u in units.values() if u.parent_unit_id is None), None)
    pending = s.pending_revision
    form = SkpForm(
        instansi=root.name if root else agency_id,
        year=period.year,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        version=version.number,
        status=version.status.value,
        approved_on=_local_day(zone, version.approved_at),
        pegawai=_person(s.nip, people),
        penilai=_person(penilai, people),
        atasan=_person(atasan, people),
        rhk=tuple(
            RhkLine(
                r.kind,
                r.description,
                intervened.get(r.iku_id or r.supports_rhk_id or "", "-"),
                tuple(IkiLine(i.aspect, i.description, i.target, i.unit) for i in r.indikator),
            )
            for r in version.rhk
        ),
        pending=(pending.number, pending.status.value) if pending else None,
        notes=version.notes,
        head_of_agency=_heads_agency(owner, version),
    )
    return Rendered(form.filename, await render_off_loop(lambda: render_skp_form(form)))


def _heads_agency(owner: Owner | None, version: SkpVersion) -> bool:
    if any(r.iku_id for r in version.rhk):
        return True
    if owner is None:
        return False
    return heads_agency(owner.heads_root_unit, owner.employee.appraiser_nip, owner.appraiser_on_roster)


async def _intervened(
    uow: TargetUnitOfWork, s: Skp, version: SkpVersion, appraisers: set[str]
) -> tuple[dict[str, str], list[Skp]]:
    """What the printed RHK intervene in, by id: the IKU served (code and description) and the
    appraisers' approved RHK supported; and the appraisers' SKPs whose texts are shown."""
    texts: dict[str, str] = {}
    shown: list[Skp] = []
    if any(r.iku_id for r in version.rhk):
        texts |= {i.iku_id: f"{i.code} {i.description}" for i in await uow.iku.of_period(s.agency_id, s.period_id)}
    supported = {r.supports_rhk_id for r in version.rhk if r.supports_rhk_id}
    if supported and appraisers:
        theirs = await uow.skps.in_period(s.agency_id, s.period_id, sorted(appraisers))
        found = _rhk_texts(theirs)
        texts |= {rhk_id: found[rhk_id] for rhk_id in supported if rhk_id in found}
        shown = [t for t in theirs if any(r.rhk_id in supported for v in t.versions for r in v.rhk)]
    return texts, shown
