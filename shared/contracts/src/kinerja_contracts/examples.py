"""One valid, realistic example instance per event type (used in tests and the README)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from .base import Event
from .catalogue import topic_of
from .events import (
    AgencyRegistered,
    AppraisalCompleted,
    AppraisalRevised,
    AppraisalSummary,
    CitizenSurveyAnswered,
    ClosedPeriodEmployee,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    EmployeePeriodClosed,
    EmployeeRegistered,
    EmployeeTransferred,
    FeedbackReceived,
    Iki,
    IndikatorResult,
    PerformancePeriodClosed,
    PerformancePeriodClosedV1,
    PerformancePeriodOpened,
    PerilakuResult,
    PlanItem,
    RealizationRecorded,
    RecognitionGiven,
    Rhk,
    TalentPoolNominated,
    TalentPoolWithdrawn,
    TargetRevised,
    TargetSet,
    TrainingCompleted,
    UnitSatisfactionChanged,
    WorkUnitDefined,
)
from .vocabulary import (
    AgencyKind,
    AgencyTimezone,
    Aspect,
    BerakhlakValue,
    DevelopmentForm,
    Ekspektasi,
    FeedbackSource,
    Mutu,
    Predikat,
    RecognitionKind,
    RhkKind,
    SkmElement,
)

AGENCY = "dinas-kominfo-jabar"
PERIOD = "2025"
EMPLOYEE = "198503122010011002"
APPRAISER = "197804052005012003"
SKP = "skp-2025-198503122010011002"


def _at(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


_perilaku_levels = {v: Ekspektasi.SESUAI for v in BerakhlakValue} | {
    BerakhlakValue.BERORIENTASI_PELAYANAN: Ekspektasi.DI_BAWAH,
}

_examples: list[Event] = [
    EmployeeRegistered(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        name="Siti Rahmawati",
        position="Pranata Komputer Ahli Muda",
        unit="Bidang Layanan E-Government",
        appraiser_nip=APPRAISER,
    ),
    PerformancePeriodOpened(
        agency_id=AGENCY,
        period_id=PERIOD,
        year=2025,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    ),
    PerformancePeriodClosed(
        agency_id=AGENCY,
        period_id=PERIOD,
        year=2025,
        closed_at=_at(2026, 1, 5, 9),
        employee_count=2,
    ),
    TargetSet(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        skp_id=SKP,
        version=2,
        approved_by=APPRAISER,
        rhk=[
            Rhk(
                rhk_id="rhk-1",
                kind=RhkKind.UTAMA,
                description="Terselesaikannya pengaduan layanan aplikasi tepat waktu",
                indikator=[
                    Iki(
                        iki_id="iki-1",
                        aspect=Aspect.KUANTITAS,
                        description="Jumlah pengaduan yang diselesaikan",
                        target=120,
                        unit="pengaduan",
                        higher_is_better=True,
                    ),
                    Iki(
                        iki_id="iki-2",
                        aspect=Aspect.WAKTU,
                        description="Rata-rata waktu penyelesaian pengaduan",
                        target=14,
                        unit="hari",
                        higher_is_better=False,
                    ),
                ],
            ),
            Rhk(
                rhk_id="rhk-2",
                kind=RhkKind.TAMBAHAN,
                description="Tersusunnya panduan pengguna aplikasi layanan",
                indikator=[
                    Iki(
                        iki_id="iki-3",
                        aspect=Aspect.KUALITAS,
                        description="Panduan disetujui kepala bidang",
                        target=1,
                        unit="dokumen",
                        higher_is_better=True,
                    )
                ],
            ),
        ],
    ),
    RealizationRecorded(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        skp_id=SKP,
        iki_id="iki-1",
        realization_id="real-0042",
        value=131,
        evidence="https://dokumen.example.go.id/bukti/real-0042",
        recorded_at=_at(2025, 12, 20, 14),
    ),
    EmployeePeriodClosed(
        agency_id=AGENCY,
        period_id=PERIOD,
        year=2025,
        nip=EMPLOYEE,
        closed_at=_at(2026, 1, 5, 9),
        skp_id=SKP,
        skp_version=2,
        realization_count=5,
    ),
    FeedbackReceived(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        feedback_id="fb-7f3a",
        source=FeedbackSource.PEER,
        ratings={v: Ekspektasi.SESUAI for v in BerakhlakValue} | {BerakhlakValue.KOLABORATIF: Ekspektasi.DI_ATAS},
        submitted_at=_at(2025, 12, 10, 10),
    ),
    AppraisalCompleted(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        appraisal_id="apr-2025-0001",
        rating_hasil_kerja=Ekspektasi.SESUAI,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=Predikat.BAIK,
        policy_version="default-2025.1",
        completed_at=_at(2026, 1, 20, 11),
        summary=AppraisalSummary(
            indikator=[
                IndikatorResult(
                    iki_id="iki-1",
                    rhk_id="rhk-1",
                    rhk_kind=RhkKind.UTAMA,
                    aspect=Aspect.KUANTITAS,
                    description="Jumlah pengaduan yang diselesaikan",
                    target=120,
                    realization=131,
                    capaian=109.17,
                    met=True,
                ),
                IndikatorResult(
                    iki_id="iki-2",
                    rhk_id="rhk-1",
                    rhk_kind=RhkKind.UTAMA,
                    aspect=Aspect.WAKTU,
                    description="Rata-rata waktu penyelesaian pengaduan",
                    target=14,
                    realization=17,
                    capaian=82.35,
                    met=False,
                ),
                IndikatorResult(
                    iki_id="iki-3",
                    rhk_id="rhk-2",
                    rhk_kind=RhkKind.TAMBAHAN,
                    aspect=Aspect.KUALITAS,
                    description="Panduan disetujui kepala bidang",
                    target=1,
                    realization=None,
                    capaian=0,
                    met=False,
                ),
            ],
            perilaku=[PerilakuResult(value=v, level=level, answers=6) for v, level in _perilaku_levels.items()],
            average_capaian_utama=95.76,
            feedback_answers=6,
            weak_values=[BerakhlakValue.BERORIENTASI_PELAYANAN],
            missed_utama_iki_ids=["iki-2"],
        ),
    ),
    DevelopmentPlanCreated(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        plan_id="idp-2025-0001",
        appraisal_id="apr-2025-0001",
        predikat=Predikat.BAIK,
        items=[
            PlanItem(
                item_id="item-1",
                competency="Pelayanan publik dan komunikasi",
                gap_kind="perilaku",
                gap=BerakhlakValue.BERORIENTASI_PELAYANAN.value,
                catalogue_code="KOM-PLY-01",
                title="Pelatihan Komunikasi Pelayanan Prima",
                form=DevelopmentForm.KLASIKAL,
                method="pelatihan",
                jp=16,
            ),
            PlanItem(
                item_id="item-2",
                competency="Manajemen waktu dan prioritas",
                gap_kind="hasil_kerja",
                gap="iki-2",
                catalogue_code="MWP-EL-02",
                title="Manajemen Waktu untuk Penanganan Pengaduan",
                form=DevelopmentForm.NONKLASIKAL,
                method="e-learning",
                jp=8,
            ),
        ],
        total_jp=24,
        created_at=_at(2026, 1, 22, 8),
    ),
]

_examples += [
    EmployeeTransferred(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        previous_agency_id=AGENCY,
        previous_unit_id="unit-egov",
        unit_id="unit-aptika",
        unit="Bidang Aplikasi Informatika",
        position="Pranata Komputer Ahli Muda",
        appraiser_nip=APPRAISER,
        effective_on=date(2025, 7, 1),
    ),
    WorkUnitDefined(
        agency_id=AGENCY,
        unit_id="unit-egov",
        name="Bidang Layanan E-Government",
        parent_unit_id="unit-sekretariat",
        head_nip=APPRAISER,
        serves_public=True,
    ),
    TargetRevised(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        skp_id=SKP,
        version=2,
        previous_version=1,
        approved_by=APPRAISER,
        reason="Target pengaduan disesuaikan dengan perubahan Renja",
        rhk=[
            Rhk(
                rhk_id="rhk-1",
                kind=RhkKind.UTAMA,
                description="Terselesaikannya pengaduan layanan e-government",
                supports_rhk_id="rhk-head-3",
                indikator=[
                    Iki(
                        iki_id="iki-1",
                        aspect=Aspect.WAKTU,
                        description="Rata-rata waktu penyelesaian pengaduan",
                        target=10,
                        unit="hari",
                        higher_is_better=False,
                    )
                ],
            )
        ],
    ),
    CitizenSurveyAnswered(
        agency_id=AGENCY,
        unit_id="unit-egov",
        period_id=PERIOD,
        answer_id="skm-2025-000123",
        elements={element: 3 for element in SkmElement} | {SkmElement.WAKTU_PENYELESAIAN: 2},
        officer_nip=EMPLOYEE,
        answered_at=_at(2025, 5, 14, 3),
    ),
    UnitSatisfactionChanged(
        agency_id=AGENCY,
        unit_id="unit-egov",
        period_id=PERIOD,
        ikm=79.17,
        mutu=Mutu.B,
        answers=120,
        element_means={element: 3.2 for element in SkmElement} | {SkmElement.WAKTU_PENYELESAIAN: 2.5},
    ),
]

_completed = next(e for e in _examples if isinstance(e, AppraisalCompleted))
_examples += [
    AppraisalRevised(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        appraisal_id="apr-2025-0001-r2",
        supersedes_appraisal_id="apr-2025-0001",
        revision=2,
        objection_id="keberatan-2026-0007",
        decided_by="196907091994031004",
        reason="Realisasi triwulan IV belum tercatat saat penilaian; bukti dukung diterima.",
        rating_hasil_kerja=Ekspektasi.SESUAI,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=Predikat.BAIK,
        policy_version="default-2026.1",
        summary=_completed.summary,
        revised_at=_at(2026, 1, 30, 9),
    ),
    DevelopmentPlanRevised(
        agency_id=AGENCY,
        period_id=PERIOD,
        nip=EMPLOYEE,
        plan_id="idp-2025-0001-r2",
        supersedes_plan_id="idp-2025-0001",
        appraisal_id="apr-2025-0001-r2",
        predikat=Predikat.BAIK,
        mandatory=False,
        items=[],
        total_jp=0,
        completed_jp_kept=16,
        revised_at=_at(2026, 1, 30, 10),
    ),
    TrainingCompleted(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        year=2026,
        catalogue_code="KOM-PLY-01",
        jp=16,
        plan_id="idp-2025-0001",
        item_id="item-1",
        evidence="Sertifikat BPSDM No. 800/1234/2026",
        completed_on=date(2026, 3, 12),
    ),
    TalentPoolNominated(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        years=[2024, 2025],
        appraisal_ids=["apr-2024-0311", "apr-2025-0001"],
        nominated_at=_at(2026, 1, 31, 2),
    ),
    TalentPoolWithdrawn(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        years=[2024, 2025],
        appraisal_ids=["apr-2024-0311", "apr-2025-0001"],
        revised_appraisal_id="apr-2025-0001-r3",
        withdrawn_at=_at(2026, 3, 2, 9),
    ),
    RecognitionGiven(
        agency_id=AGENCY,
        nip=EMPLOYEE,
        recognition_id="8f0c3a52-6d1e-4b7a-9c2f-3e5d7a1b9c40",
        period_id=PERIOD,
        checkpoint_id="triwulan-2",
        kind=RecognitionKind.CITIZEN_RATING,
        reason="Dinilai sangat baik oleh 14 warga yang dilayani di loket perizinan pada Triwulan II.",
        given_by_nip=APPRAISER,
        given_at=_at(2025, 7, 3, 2),
    ),
    PerformancePeriodClosedV1(
        agency_id=AGENCY,
        period_id=PERIOD,
        year=2025,
        closed_at=_at(2026, 1, 5, 9),
        employees=[
            ClosedPeriodEmployee(nip=EMPLOYEE, skp_id=SKP, skp_version=2, realization_count=5),
            ClosedPeriodEmployee(nip="199001152015032001", skp_id=None, skp_version=None, realization_count=0),
        ],
    ),
    AgencyRegistered(
        agency_id="puskesmas-wamena",
        name="UPTD Puskesmas Wamena Kota",
        kind=AgencyKind.PUSKESMAS,
        timezone=AgencyTimezone.WIT,
    ),
]

EXAMPLES: dict[str, Event] = {e.event_type: e for e in _examples}
"""event_type -> a valid example instance."""


def example_json(event_type: str) -> str:
    """The example's record value, pretty-printed (as shown in the README)."""
    return json.dumps(EXAMPLES[event_type].model_dump(mode="json"), indent=2, ensure_ascii=False)


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " \\| ".join(_type_of(p) for p in prop["anyOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list[{_type_of(prop.get('items', {}))}]"
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        keys = _type_of(prop.get("propertyNames", {"type": "string"}))
        return f"map[{keys} → {_type_of(prop['additionalProperties'])}]"
    if "format" in prop:
        return f"{kind} ({prop['format']})"
    if "pattern" in prop:
        return f"{kind} `{prop['pattern']}`"
    if "enum" in prop:
        return " \\| ".join(f'"{v}"' for v in prop["enum"])
    return str(kind)


def _field_table(schema: dict[str, Any], node: dict[str, Any]) -> list[str]:
    rows = ["| field | type | required | description |", "| --- | --- | --- | --- |"]
    required = set(node.get("required", []))
    for name, prop in node["properties"].items():
        text = prop.get("description", "").replace("\n", " ").replace("|", "\\|")
        mark = "yes" if name in required else "no"
        rows.append(f"| `{name}` | {_type_of(prop)} | {mark} | {text} |")
    return rows


def size_text(n: int) -> str:
    """A size in bytes as the contract states its limits: ``512 KiB``, ``1 MiB``."""
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n // 1024} KiB"


def markdown() -> str:
    """The README's per-event reference section, generated from the models and EXAMPLES."""
    from .schemas import schema_of

    lines: list[str] = []
    for event_type, event in EXAMPLES.items():
        model = type(event)
        schema = schema_of(model)
        doc = (model.__doc__ or "").strip().replace("\n\n", " ").replace("\n", " ")
        lines += [f"### {model.__name__}", ""]
        audience = topic_of(model).audience
        where = (
            f"`{model.topic}`"
            if audience.public
            else f"`{model.topic}` ({audience}; not part of the subscriber contract)"
        )
        lines += [f"`{event_type}` on {where}, key `{model.key_field}`. {doc}", ""]
        lines += [f"Largest record value: {size_text(model.max_encoded_bytes)} (`max_encoded_bytes`).", ""]
        lines += _field_table(schema, schema)
        for name, definition in schema.get("$defs", {}).items():
            if "properties" in definition:
                lines += ["", f"`{name}`:", ""] + _field_table(schema, definition)
        lines += ["", "Example record value:", "", "```json", example_json(event_type), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
