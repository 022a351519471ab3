"""The Dokumen Evaluasi Kinerja as PDF on a fake unit of work: who may download it, the figures it
prints (read back with pypdf), the DRAFT / USULAN mark of a proposal, withheld BerAKHLAK values
printed as withheld, and the objection window and objections."""

import io
from datetime import timedelta

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.domain import FeedbackAnswer
from appraisal_service.service_layer.appraise import propose_appraisal
from appraisal_service.service_layer.confirm import confirm
from appraisal_service.service_layer.documents import evaluation_document
from appraisal_service.service_layer.objections import decide_objection, file_objection
from appraisal_service.service_layer.periodic import propose_for_checkpoint
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource, Predikat
from kinerja_runtime.documents import DRAFT, PDF
from kinerja_runtime.refusals import NotFound
from pypdf import PdfReader

AGENCY, PERIOD = "dinas-a", "2025"
SEKDA, KADIS, BUDI, ANI = "196501011990031001", "198808082012121002", "197801012005011001", "199001012015012001"
RINA = "199202022016021004"  # Ani's colleague, appraised by Budi too
HR = "196805051990031009"


def text_of(content: bytes) -> str:
    """The document's text, its lines joined by single spaces (a cell's text wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def rhk() -> list[dict]:
    def one(rhk_id, kind, description, iki_id, iki, target, unit):
        return {
            "rhk_id": rhk_id,
            "kind": kind,
            "description": description,
            "indikator": [
                {
                    "iki_id": iki_id,
                    "aspect": "kuantitas",
                    "description": iki,
                    "target": target,
                    "unit": unit,
                    "higher_is_better": True,
                }
            ],
        }

    return [
        one("rhk-1", "utama", "Terlayaninya izin usaha", "iki-1", "Izin yang diterbitkan", 120.0, "berkas"),
        one("rhk-2", "utama", "Tertanganinya pengaduan", "iki-2", "Pengaduan selesai", 40.0, "pengaduan"),
        one("rhk-3", "tambahan", "Tersusunnya SOP daring", "iki-3", "Dokumen SOP", 2.0, "dokumen"),
    ]


@pytest.fixture
def uow() -> FakeAppraisalUnitOfWork:
    """Kadis (appraised by the Sekda) appraises Budi; Budi appraises Ani and Rina. Ani's year:
    iki-1 at 150 of 120 (125 %, counted as the policy's 120 % at most), iki-2 at 20 of 40 (50 %), iki-3 done; her appraiser's answers
    (sesuai), and two peers who answered on Harmonis only (too few to show)."""
    uow = FakeAppraisalUnitOfWork()
    uow.roster.add_period(
        AGENCY,
        PERIOD,
        2025,
        checkpoints=[
            {"checkpoint_id": "tw4", "name": "Triwulan IV", "starts_on": "2025-10-01", "ends_on": "2025-12-31"}
        ],
    )
    uow.roster.add_unit(AGENCY, "dinas", name="Dinas Penanaman Modal dan PTSP", head_nip=KADIS)
    uow.roster.add_employee(AGENCY, SEKDA, name="Sekretaris Daerah", position="Sekda", unit="Setda")
    uow.roster.add_employee(AGENCY, KADIS, appraiser_nip=SEKDA, name="Kadis Wibowo", position="Kepala Dinas")
    uow.roster.add_employee(AGENCY, BUDI, appraiser_nip=KADIS, name="Budi Santoso", position="Kepala Bidang")
    uow.roster.add_employee(
        AGENCY, ANI, appraiser_nip=BUDI, name="Ani Lestari", position="Analis Perizinan", unit="Bidang Pelayanan"
    )
    uow.roster.add_employee(AGENCY, RINA, appraiser_nip=BUDI, name="Rina")
    target = uow.projections.add_target(AGENCY, PERIOD, ANI, rhk())
    for iki_id, value in (("iki-1", 150.0), ("iki-2", 20.0), ("iki-3", 2.0)):
        uow.projections.add_realization(target.skp_id, iki_id, value, checkpoint_id="tw4")
    answers = [FeedbackAnswer(FeedbackSource.APPRAISER, v, Ekspektasi.SESUAI, "r1") for v in BerakhlakValue]
    answers += [FeedbackAnswer(FeedbackSource.PEER, BerakhlakValue.HARMONIS, Ekspektasi.DI_BAWAH, "r1")] * 2
    uow.projections.add_form((AGENCY, PERIOD, ANI), answers, checkpoint_id="tw4")
    return uow


async def document(uow, appraisal_id: str, reader: str, is_hr: bool = False):
    return await evaluation_document(uow, AGENCY, appraisal_id, reader, is_hr)


async def test_a_proposal_prints_the_draft_mark_and_its_proposed_figures(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    found = await document(uow, made["appraisal_id"], BUDI)
    assert found.media_type == PDF and found.filename == f"evaluasi-{ANI}-2025.pdf"
    text = text_of(found.content)
    assert DRAFT in text and "RATING HASIL KERJA (USULAN)" in text and "PREDIKAT KINERJA PEGAWAI (USULAN)" in text
    assert "PERIODE: TAHUNAN" in text and "1 Januari 2025 s.d. 31 Desember 2025" in text


async def test_a_final_appraisal_prints_people_realisation_ratings_and_predikat(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    final = await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today())
    text = text_of((await document(uow, made["appraisal_id"], ANI)).content)
    for expected in (
        "DOKUMEN EVALUASI KINERJA PEGAWAI",
        "Dinas Penanaman Modal dan PTSP",
        "Ani Lestari",
        ANI,
        "Analis Perizinan",
        "Bidang Pelayanan",
        "Budi Santoso",
        BUDI,
        "Kadis Wibowo",  # the atasan: Budi's own appraiser
        KADIS,
        "Terlayaninya izin usaha",
        "Izin yang diterbitkan",
        "120 berkas",
        "150 berkas",
        "120%",
        "Tercapai",
        "Pengaduan selesai",
        "40 pengaduan",
        "20 pengaduan",
        "50%",
        "Belum tercapai",
        "Tersusunnya SOP daring",
        "2 dokumen",
        "RATA-RATA CAPAIAN RHK UTAMA 85%",
        f"RATING HASIL KERJA {Ekspektasi(final['rating_hasil_kerja']).label.upper()}",
        f"RATING PERILAKU KERJA {Ekspektasi(final['rating_perilaku']).label.upper()}",
        "Masa pengajuan keberatan: sampai dengan 15 Juni 2026 (masih berjalan)",
        "1 Juni 2026",  # the day it became final, over the appraiser's signature
    ):
        assert expected in text, expected
    assert DRAFT not in text and "(USULAN)" not in text
    assert f"PREDIKAT {Predikat(final['predikat']).label.upper()}" in text


async def test_a_withheld_value_is_printed_as_withheld_and_its_numbers_are_not(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    stored = uow.appraisals.rows[made["appraisal_id"]]
    assert stored.summary["perilaku_withheld"] == ["harmonis"]
    text = text_of((await document(uow, made["appraisal_id"], ANI)).content)
    assert "Harmonis Dirahasiakan Dirahasiakan" in text
    assert "Akuntabel Sesuai Ekspektasi 1" in text  # a value shown: its level and its answers
    assert "kurang dari tiga" in text


async def test_whoever_may_read_the_appraisal_downloads_it_and_anyone_else_finds_nothing(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    for reader, is_hr in ((ANI, False), (BUDI, False), (HR, True)):
        assert (await document(uow, made["appraisal_id"], reader, is_hr)).content.startswith(b"%PDF")
    for reader in (RINA, KADIS, SEKDA):
        with pytest.raises(NotFound) as refused:
            await document(uow, made["appraisal_id"], reader)
        assert "no such appraisal" in str(refused.value)
    with pytest.raises(NotFound):
        await document(uow, "no-such-appraisal", ANI)


async def test_objections_and_the_revision_they_made(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    today = uow.clock.today()
    await confirm(uow, AGENCY, made["appraisal_id"], BUDI, today)
    filed = await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Bukti belum dihitung.", today)
    text = text_of((await document(uow, made["appraisal_id"], KADIS)).content)  # the superior reads it now
    assert "Keberatan diajukan 1 Juni 2026: menunggu keputusan atasan pejabat penilai kinerja" in text
    uow.time.at += timedelta(days=20)
    decided = await decide_objection(
        uow,
        AGENCY,
        filed["objection_id"],
        KADIS,
        uow.clock.today(),
        "changed",
        "Bukti dukung triwulan IV sah.",
        rating_hasil_kerja=Ekspektasi.DI_ATAS,
    )
    before = text_of((await document(uow, made["appraisal_id"], ANI)).content)
    assert "TIDAK BERLAKU" in before and "(sudah berakhir)" in before
    assert "diputuskan 21 Juni 2026: hasil diubah. Alasan: Bukti dukung triwulan IV sah." in before
    revised = await document(uow, decided["revised_appraisal_id"], ANI)
    assert revised.filename == f"evaluasi-{ANI}-2025-revisi-2.pdf"
    after = text_of(revised.content)
    assert "REVISI 2 (keputusan atas keberatan)" in after and "RATING HASIL KERJA DI ATAS EKSPEKTASI" in after
    assert "bersifat final" in after and "Masa pengajuan keberatan" not in after
    assert "Usulan semula" not in after  # the change is the superior's decision, not the appraiser's


async def test_an_appraiser_who_departed_from_the_proposal_is_printed_with_the_reason(uow):
    made = await propose_appraisal(uow, AGENCY, PERIOD, ANI)
    proposed = made["proposed"]
    await confirm(
        uow,
        AGENCY,
        made["appraisal_id"],
        BUDI,
        uow.clock.today(),
        rating_hasil_kerja=Ekspektasi.SESUAI,
        reason="Pengaduan yang tersisa dilimpahkan ke instansi lain.",
    )
    text = text_of((await document(uow, made["appraisal_id"], ANI)).content)
    assert proposed["rating_hasil_kerja"] == Ekspektasi.DI_BAWAH.value
    assert "RATING HASIL KERJA SESUAI EKSPEKTASI" in text
    assert (
        "Usulan semula: hasil kerja di bawah ekspektasi, perilaku kerja sesuai ekspektasi, predikat "
        f"{Predikat(proposed['predikat']).label.lower()}; ditetapkan lain oleh pejabat penilai kinerja dengan "
        "alasan: Pengaduan yang tersisa dilimpahkan ke instansi lain."
    ) in text


async def test_a_periodic_appraisal_names_its_checkpoint(uow):
    await propose_for_checkpoint(uow, AGENCY, PERIOD, "tw4")
    [periodic] = uow.appraisals.rows.values()
    found = await document(uow, periodic.appraisal_id, ANI)
    assert found.filename == f"evaluasi-{ANI}-2025-tw4.pdf"
    text = text_of(found.content)
    assert "PERIODE: TRIWULAN IV" in text and "1 Oktober 2025 s.d. 31 Desember 2025" in text and DRAFT in text
