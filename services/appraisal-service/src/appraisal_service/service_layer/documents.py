"""Official documents of appraisal-service: the Dokumen Evaluasi Kinerja of one appraisal as PDF
(adapters/evaluation_document.py lays it out)."""

from datetime import date, datetime, tzinfo

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, RhkKind
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.documents import Person, Rendered, render_off_loop
from kinerja_runtime.roster import KnownEmployee

from appraisal_service.adapters.evaluation_document import (
    EvaluationForm,
    IkiResult,
    ObjectionLine,
    ValueResult,
    render_evaluation,
)
from appraisal_service.domain import Appraisal, Objection, Status, objection_closes_on
from appraisal_service.service_layer.reading import readable
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


def _person(nip: str | None, found: dict[str, KnownEmployee]) -> Person:
    """Someone as the roster projection knows them now; only the NIP of someone no longer on it."""
    e = found.get(nip) if nip else None
    if e is None:
        return Person(nip)
    return Person(e.nip, e.name, e.position, e.unit)


def _local_day(zone: tzinfo, at: datetime | None) -> date | None:
    """The agency's date of ``at`` (its zone: ``await uow.zone(agency_id)``)."""
    return at.astimezone(zone).date() if at else None


def _indikator(summary: dict, rhk: list) -> tuple[IkiResult, ...]:
    """The summary's IKI with their RHK's description and their unit, as the SKP in force has them
    (an IKI or RHK it no longer holds keeps the summary's words, with no unit)."""
    rhk_texts = {r["rhk_id"]: r["description"] for r in rhk}
    units = {i["iki_id"]: i.get("unit", "") for r in rhk for i in r.get("indikator", [])}
    return tuple(
        IkiResult(
            rhk_kind=RhkKind(i["rhk_kind"]),
            rhk=rhk_texts.get(i["rhk_id"], "-"),
            aspect=Aspect(i["aspect"]),
            description=i["description"],
            target=i["target"],
            unit=units.get(i["iki_id"], ""),
            realization=i.get("realization"),
            capaian=i.get("capaian"),
            met=bool(i.get("met")),
        )
        for i in summary.get("indikator", [])
    )


def _perilaku(summary: dict) -> tuple[ValueResult, ...]:
    """Each BerAKHLAK value as the appraisal publishes it: its level and answers, or withheld."""
    shown = {p["value"]: p for p in summary.get("perilaku", [])}
    withheld = set(summary.get("perilaku_withheld", []))
    return tuple(
        ValueResult(v, None, None, True)
        if v.value in withheld
        else ValueResult(v, shown.get(v.value, {}).get("level"), shown.get(v.value, {}).get("answers"), False)
        for v in BerakhlakValue
    )


def _objections(zone: tzinfo, found: list[Objection], appraisal: Appraisal) -> tuple[ObjectionLine, ...]:
    """The objections to this revision, or (a revision made by one) the one that made it."""
    return tuple(
        ObjectionLine(o.filed_on, o.status.value, _local_day(zone, o.decided_at), o.decision_reason)
        for o in found
        if o.appraisal_id == appraisal.appraisal_id or o.objection_id == appraisal.objection_id
    )


async def evaluation_document(
    uow: AppraisalUnitOfWork, agency_id: str, appraisal_id: str, reader_nip: str, is_hr: bool
) -> Rendered:
    """The Dokumen Evaluasi Kinerja of one appraisal (annual or periodic, any revision), read by
    whoever may read the appraisal (reading.readable); to anyone else it is missing. The pejabat
    penilai is who confirmed it (else the employee's appraiser on the roster now), the atasan
    that appraiser's own appraiser on the roster."""
    async with uow:
        found = await readable(uow, await uow.appraisals.get(agency_id, appraisal_id), reader_nip, is_hr)
        a = found.appraisal
        penilai = a.appraiser_nip or found.appraiser_now
        people = await uow.roster.employees(agency_id, {n for n in (a.nip, penilai) if n})
        atasan = people[penilai].appraiser_nip if penilai in people else None
        if atasan:
            people |= await uow.roster.employees(agency_id, [atasan])
        period = await uow.roster.period(agency_id, a.period_id)
        units = await uow.roster.units(agency_id)
        target = await uow.projections.target_of(agency_id, a.period_id, a.nip)
        today = await uow.today(agency_id)
        zone = await uow.zone(agency_id)
        await access_log.record_read(uow, Kind.APPRAISAL, a.appraisal_id, a.nip)
    root = next((u for u in units if u.parent_unit_id is None), None)
    checkpoint = _checkpoint(a, period.checkpoints if period else [])
    proposed = a.status is Status.PROPOSED
    hasil = a.explanation.get("hasil_kerja") or {}
    # The appraiser departed from the proposal (a later revision is the superior's decision on an
    # objection, which the objection's lines tell).
    overridden = (
        not proposed
        and a.revision == 1
        and (a.rating_hasil_kerja, a.rating_perilaku) != (a.proposed_rating_hasil_kerja, a.proposed_rating_perilaku)
    )
    closes_on = objection_closes_on(a.final_on) if a.final_on and a.revision == 1 and not proposed else None
    form = EvaluationForm(
        instansi=root.name if root else agency_id,
        year=period.year if period else (a.final_on or a.proposed_at.date()).year,
        checkpoint=checkpoint[0] if checkpoint else None,
        checkpoint_id=a.checkpoint_id,
        starts_on=checkpoint[1] if checkpoint else (period.starts_on if period else None),
        ends_on=checkpoint[2] if checkpoint else (period.ends_on if period else None),
        status=a.status.value,
        revision=a.revision,
        pegawai=_person(a.nip, people),
        penilai=_person(penilai, people),
        atasan=_person(atasan, people),
        indikator=_indikator(a.summary, target.rhk if target else []),
        average_capaian_utama=a.summary.get("average_capaian_utama"),
        unit_capaian=(hasil.get("unit") or {}).get("capaian") if hasil.get("basis") == "unit" else None,
        rating_hasil_kerja=a.proposed_rating_hasil_kerja if proposed else a.rating_hasil_kerja or "",
        rating_perilaku=a.proposed_rating_perilaku if proposed else a.rating_perilaku or "",
        predikat=a.proposed_predikat if proposed else a.predikat or "",
        perilaku=_perilaku(a.summary),
        feedback_forms=a.summary.get("feedback_answers"),
        citizen_score=a.summary.get("citizen_service_score"),
        overridden=(
            a.proposed_rating_hasil_kerja,
            a.proposed_rating_perilaku,
            a.proposed_predikat,
            a.confirm_reason,
        )
        if overridden
        else None,
        final_on=a.final_on,
        objection_closes_on=closes_on,
        objection_closed=closes_on is not None and today > closes_on,
        objections=_objections(zone, found.objections, a),
    )
    return Rendered(form.filename, await render_off_loop(lambda: render_evaluation(form)))


def _checkpoint(a: Appraisal, checkpoints: list[dict]) -> tuple[str, date, date] | None:
    """A periodic appraisal's checkpoint (name, first and last day), as the period has it or, failing
    that, as the proposal recorded it."""
    if a.checkpoint_id is None:
        return None
    recorded = (a.explanation.get("inputs") or {}).get("checkpoint") or {}
    found = next((c for c in checkpoints if c.get("checkpoint_id") == a.checkpoint_id), None) or recorded
    if not found:
        return None
    return found["name"], date.fromisoformat(found["starts_on"]), date.fromisoformat(found["ends_on"])
