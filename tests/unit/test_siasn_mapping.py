"""The SIASN connector's mapping: each Kinerja event kind to SIASN's fields and codes, and what is
sent as null (``missing``) because Kinerja does not know it."""

from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    AppraisalSummary,
    Ekspektasi,
    Predikat,
    TrainingCompleted,
)
from kinerja_contracts.examples import EXAMPLES
from kinerja_contracts.siasn import (
    KURSUS,
    KURSUS_FIELDS,
    PERIODIK,
    PERIODIK_FIELDS,
    SKP22,
    SKP22_FIELDS,
    AppraisalFacts,
    CheckpointInfo,
    Context,
    PeriodInfo,
    Person,
    PlanItemInfo,
    TrainingFacts,
    appraisal_facts,
    map_appraisal,
    map_training,
    parse_code_table,
    training_facts,
)
from siasn_connector.stub import validate

AGENCY = "dinas-uji"
NIP = "198503122010011002"
PENILAI = "197804052005012003"
SUMMARY = AppraisalSummary(indikator=[], perilaku=[], average_capaian_utama=None, feedback_answers=0)
QUARTERS = tuple(
    CheckpointInfo(
        f"triwulan-{n}", f"Triwulan {n}", date(2025, 3 * n - 2, 1), date(2025, 3 * n, [31, 30, 30, 31][n - 1])
    )
    for n in range(1, 5)
)
PERIOD = PeriodInfo(2025, date(2025, 1, 1), date(2025, 12, 31), QUARTERS)
EMPLOYEE = Person(NIP, "Siti Rahmawati", "Pranata Komputer Ahli Muda", "Bidang E-Government", "egov", PENILAI)
APPRAISER = Person(PENILAI, "Budi Santoso", "Kepala Bidang E-Government", "Bidang E-Gov (lama)", "egov", None)
KNOWN = Context(
    employee=EMPLOYEE, appraiser=APPRAISER, appraiser_unit_name="Bidang Layanan E-Government", period=PERIOD
)


def completed(**changes) -> AppraisalCompleted:
    values = dict(
        agency_id=AGENCY,
        period_id="p-2025",
        nip=NIP,
        appraisal_id="apr-1",
        rating_hasil_kerja=Ekspektasi.DI_ATAS,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=Predikat.SANGAT_BAIK,
        policy_version="v1",
        completed_at=datetime(2026, 1, 20, 3, tzinfo=UTC),
        summary=SUMMARY,
        appraiser_nip=PENILAI,
    )
    return AppraisalCompleted(**(values | changes))


def revised(**changes) -> AppraisalRevised:
    values = dict(
        agency_id=AGENCY,
        period_id="p-2025",
        nip=NIP,
        appraisal_id="apr-1-r2",
        supersedes_appraisal_id="apr-1",
        revision=2,
        objection_id="obj-1",
        decided_by="197001011995031001",
        reason="Bukti dukung diterima.",
        rating_hasil_kerja=Ekspektasi.SESUAI,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=Predikat.BAIK,
        policy_version="v1",
        summary=SUMMARY,
        revised_at=datetime(2026, 2, 1, 3, tzinfo=UTC),
    )
    return AppraisalRevised(**(values | changes))


def training(**changes) -> TrainingCompleted:
    values = dict(
        agency_id=AGENCY,
        nip=NIP,
        year=2026,
        catalogue_code="KOM-PLY-01",
        jp=16,
        plan_id="idp-1",
        item_id="item-1",
        evidence="Sertifikat BPSDM No. 800/1234/2026",
        completed_on=date(2026, 3, 12),
    )
    return TrainingCompleted(**(values | changes))


# -- SKP 2022 (annual) ------------------------------------------------------------------------


def test_an_annual_appraisal_is_a_skp22_record_with_every_field():
    mapped = map_appraisal(appraisal_facts(completed()), KNOWN)
    assert mapped.kind == SKP22
    assert mapped.payload == {
        "tahun": 2025,
        "pnsDinilaiOrang": NIP,
        "hasilKinerjaNilai": 1,
        "perilakuKerjaNilai": 2,
        "kuadranKinerjaNilai": 1,
        "penilaiNama": "Budi Santoso",
        "penilaiNipNrp": PENILAI,
        "penilaiGolongan": None,
        "penilaiJabatan": "Kepala Bidang E-Government",
        "penilaiUnorNama": "Bidang Layanan E-Government",  # the unit's latest name, not the roster text
        "statusPenilai": "ASN",
    }
    assert tuple(mapped.payload) == SKP22_FIELDS
    assert mapped.missing == ("penilaiGolongan",) and mapped.awaiting == ()
    assert validate(SKP22, mapped.payload) == []


@pytest.mark.parametrize(
    ("rating", "code"),
    [(Ekspektasi.DI_ATAS, 1), (Ekspektasi.SESUAI, 2), (Ekspektasi.DI_BAWAH, 3)],
)
def test_hasil_and_perilaku_codes(rating, code):
    mapped = map_appraisal(appraisal_facts(completed(rating_hasil_kerja=rating, rating_perilaku=rating)), KNOWN)
    assert mapped.payload["hasilKinerjaNilai"] == code
    assert mapped.payload["perilakuKerjaNilai"] == code


@pytest.mark.parametrize(
    ("predikat", "code"),
    [
        (Predikat.SANGAT_BAIK, 1),
        (Predikat.BAIK, 2),
        (Predikat.BUTUH_PERBAIKAN, 3),
        (Predikat.KURANG_MISCONDUCT, 4),
        (Predikat.SANGAT_KURANG, 5),
    ],
)
def test_kuadran_is_the_predikat(predikat, code):
    assert map_appraisal(appraisal_facts(completed(predikat=predikat)), KNOWN).payload["kuadranKinerjaNilai"] == code


def test_every_predikat_and_ekspektasi_has_a_code():
    from kinerja_contracts.siasn import EKSPEKTASI_CODE, KUADRAN_CODE

    assert set(EKSPEKTASI_CODE) == set(Ekspektasi) and set(KUADRAN_CODE) == set(Predikat)


def test_a_penilai_not_on_the_roster_is_null_and_awaited():
    """The Kepala Dinas's atasan is outside the agency's roster: never invented, named missing."""
    mapped = map_appraisal(appraisal_facts(completed()), Context(employee=EMPLOYEE, period=PERIOD))
    assert mapped.payload["penilaiNipNrp"] == PENILAI and mapped.payload["statusPenilai"] == "ASN"
    assert mapped.payload["penilaiNama"] is None and mapped.payload["penilaiJabatan"] is None
    assert set(mapped.missing) == {"penilaiNama", "penilaiGolongan", "penilaiJabatan", "penilaiUnorNama"}
    assert set(mapped.awaiting) == {"penilaiNama", "penilaiJabatan", "penilaiUnorNama"}
    assert validate(SKP22, mapped.payload) == []


def test_the_penilai_comes_from_the_roster_when_the_event_names_none():
    mapped = map_appraisal(appraisal_facts(completed(appraiser_nip=None)), KNOWN)
    assert mapped.payload["penilaiNipNrp"] == PENILAI and mapped.payload["penilaiNama"] == "Budi Santoso"


def test_no_penilai_anywhere_is_missing_but_not_awaited_once_the_employee_is_known():
    employee = Person(NIP, "Siti", "Staf", "Bidang", None, None)
    mapped = map_appraisal(appraisal_facts(completed(appraiser_nip=None)), Context(employee=employee, period=PERIOD))
    assert mapped.payload["penilaiNipNrp"] is None and mapped.payload["statusPenilai"] is None
    assert "penilaiNipNrp" in mapped.missing and "statusPenilai" in mapped.missing
    assert mapped.awaiting == ()


def test_an_unknown_period_leaves_tahun_null_and_awaited():
    mapped = map_appraisal(appraisal_facts(completed()), Context(employee=EMPLOYEE, appraiser=APPRAISER))
    assert mapped.payload["tahun"] is None
    assert "tahun" in mapped.missing and "tahun" in mapped.awaiting
    assert {"field": "tahun", "message": "required"} in validate(SKP22, mapped.payload)


# -- kinerja periodik ---------------------------------------------------------------------------


def test_a_quarterly_appraisal_is_a_triwulan_kinerja_periodik_record():
    facts = appraisal_facts(completed(kind="periodic", checkpoint_id="triwulan-2"))
    mapped = map_appraisal(facts, KNOWN)
    assert mapped.kind == PERIODIK
    assert tuple(mapped.payload) == PERIODIK_FIELDS
    assert {k: mapped.payload[k] for k in PERIODIK_FIELDS[len(SKP22_FIELDS) :]} == {
        "periodikId": 2,
        "bulanMulaiPenilaian": 4,
        "bulanSelesaiPenilaian": 6,
        "tahunMulaiPenilaian": 2025,
        "tahunSelesaiPenilaian": 2025,
        "koefisienId": None,
        "pnsDinilaiId": NIP,
    }
    assert set(mapped.missing) == {"penilaiGolongan", "koefisienId"}
    assert validate(PERIODIK, mapped.payload) == []


def test_a_monthly_checkpoint_is_bulanan():
    months = tuple(
        CheckpointInfo(f"bulan-{m}", f"Bulan {m}", date(2025, m, 1), date(2025, m, 28)) for m in range(1, 13)
    )
    period = PeriodInfo(2025, date(2025, 1, 1), date(2025, 12, 31), months)
    facts = appraisal_facts(completed(kind="periodic", checkpoint_id="bulan-7"))
    mapped = map_appraisal(facts, Context(employee=EMPLOYEE, appraiser=APPRAISER, period=period))
    assert mapped.payload["periodikId"] == 1
    assert (mapped.payload["bulanMulaiPenilaian"], mapped.payload["bulanSelesaiPenilaian"]) == (7, 7)


def test_a_semester_has_no_periodik_code_and_siasn_refuses_it():
    semesters = (
        CheckpointInfo("semester-1", "Semester I", date(2025, 1, 1), date(2025, 6, 30)),
        CheckpointInfo("semester-2", "Semester II", date(2025, 7, 1), date(2025, 12, 31)),
    )
    period = PeriodInfo(2025, date(2025, 1, 1), date(2025, 12, 31), semesters)
    facts = appraisal_facts(completed(kind="periodic", checkpoint_id="semester-1"))
    mapped = map_appraisal(facts, Context(employee=EMPLOYEE, appraiser=APPRAISER, period=period))
    assert mapped.payload["periodikId"] is None and "periodikId" in mapped.missing
    assert "periodikId" not in mapped.awaiting  # a known semester never becomes a quarter
    assert {"field": "periodikId", "message": "required"} in validate(PERIODIK, mapped.payload)


def test_an_unknown_checkpoint_is_awaited():
    facts = appraisal_facts(completed(kind="periodic", checkpoint_id="triwulan-9"))
    mapped = map_appraisal(facts, KNOWN)
    assert {"periodikId", "bulanMulaiPenilaian", "tahunMulaiPenilaian"} <= set(mapped.awaiting)


# -- revisions and record keys -------------------------------------------------------------------


def test_a_revision_keeps_the_record_key_and_the_penilai():
    original = appraisal_facts(completed())
    revision = appraisal_facts(revised(), original)
    assert revision.record_key == original.record_key
    assert revision.appraiser_nip == PENILAI  # decided_by is the superior, not the penilai
    assert (revision.revision, revision.at) > (original.revision, original.at)
    mapped = map_appraisal(revision, KNOWN)
    assert (mapped.payload["hasilKinerjaNilai"], mapped.payload["kuadranKinerjaNilai"]) == (2, 2)
    assert mapped.payload["penilaiNama"] == "Budi Santoso"


def test_periodic_records_are_keyed_by_checkpoint_and_apart_from_the_annual_one():
    annual = appraisal_facts(completed()).record_key
    q1 = appraisal_facts(completed(kind="periodic", checkpoint_id="triwulan-1")).record_key
    q2 = appraisal_facts(completed(kind="periodic", checkpoint_id="triwulan-2")).record_key
    assert len({annual, q1, q2}) == 3
    assert (annual.kind, annual.part) == (SKP22, "") and (q1.kind, q1.part) == (PERIODIK, "triwulan-1")


def test_facts_survive_their_json_round_trip():
    facts = appraisal_facts(completed(kind="periodic", checkpoint_id="triwulan-1"))
    assert AppraisalFacts.from_json(facts.to_json()) == facts
    kursus = training_facts(training(), "6f1c2a7e-3b4d-4f8a-9c2e-1d5b7a9e0c41")
    assert TrainingFacts.from_json(kursus.to_json()) == kursus


def test_the_facts_keep_no_free_text():
    facts = appraisal_facts(revised(), appraisal_facts(completed())).to_json()
    assert "reason" not in facts and "summary" not in facts
    assert "evidence" not in training_facts(training(), "x").to_json()


def test_the_contract_examples_map():
    for example in EXAMPLES:
        if isinstance(example, AppraisalCompleted):
            assert map_appraisal(appraisal_facts(example), KNOWN).kind == SKP22
        if isinstance(example, TrainingCompleted):
            assert map_training(training_facts(example, "id"), Context()).kind == KURSUS


# -- kursus ------------------------------------------------------------------------------------


def test_a_completed_training_is_a_kursus_record_with_its_hours():
    item = PlanItemInfo("Pelatihan Pelayanan Prima", "klasikal", "pelatihan", "KOM-PLY-01")
    mapped = map_training(training_facts(training(), "ev-1"), Context(plan_item=item))
    assert mapped.kind == KURSUS
    assert tuple(mapped.payload) == KURSUS_FIELDS
    assert mapped.payload == {
        "pnsOrangId": NIP,
        "jenisDiklatId": None,
        "institusiPenyelenggara": None,
        "nomorSertipikat": None,
        "tahunKursus": 2026,
        "jumlahJam": 16,
        "namaKursus": "Pelatihan Pelayanan Prima",
        "tanggalKursus": None,
        "tanggalSelesaiKursus": "12-03-2026",
    }
    assert set(mapped.missing) == {"jenisDiklatId", "institusiPenyelenggara", "nomorSertipikat", "tanggalKursus"}
    assert mapped.awaiting == ()
    assert validate(KURSUS, mapped.payload) == []


def test_jenis_diklat_comes_from_the_configured_table():
    item = PlanItemInfo("Coaching", "nonklasikal", "coaching", "KOM-CO-01")
    table = parse_code_table("pelatihan=1, Coaching=2, nonklasikal=3")
    assert map_training(training_facts(training(), "e"), Context(plan_item=item), table).payload["jenisDiklatId"] == 2
    other = PlanItemInfo("Magang", "nonklasikal", "magang", "KOM-MG-01")
    assert map_training(training_facts(training(), "e"), Context(plan_item=other), table).payload["jenisDiklatId"] == 3
    by_code = parse_code_table("kom-ply-01=7")
    assert map_training(training_facts(training(), "e"), Context(), by_code).payload["jenisDiklatId"] == 7
    with pytest.raises(ValueError):
        parse_code_table("pelatihan")


def test_a_training_outside_a_plan_has_no_name_and_awaits_nothing():
    mapped = map_training(training_facts(training(plan_id=None, item_id=None), "e"), Context())
    assert mapped.payload["namaKursus"] is None and "namaKursus" in mapped.missing
    assert mapped.awaiting == ()


def test_a_training_of_an_unknown_plan_item_is_awaited():
    mapped = map_training(training_facts(training(), "e"), Context())
    assert "namaKursus" in mapped.awaiting


def test_every_completion_event_is_its_own_kursus_record():
    first = training_facts(training(), "ev-1").record_key
    assert first != training_facts(training(), "ev-2").record_key
    assert first == training_facts(training(), "ev-1").record_key
