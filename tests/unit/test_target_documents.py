"""The SKP form as PDF on a fake unit of work: who may download it, what it prints (read back
with pypdf), and the DRAFT mark while nothing is approved."""

import io

import pytest
from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.documents import DRAFT, PDF
from kinerja_runtime.refusals import NotFound
from pypdf import PdfReader
from target_fakes import FakeTargetUnitOfWork
from target_service.domain.organisation import WorkUnit
from target_service.domain.rhk import IndikatorDraft, RhkDraft
from target_service.service_layer import documents, periods, skp

AGENCY = "dinas-kominfo"
BUDI = "197801012005011001"  # Kepala Dinas, appraised by the Sekda (ATASAN)
ATASAN = "196505051990031001"
SITI = "198503122010012002"  # appraised by Budi
RINA = "199001012015032003"  # appraised by Budi too
STRANGER = "199202022016021004"  # appraised by Rina


def text_of(content: bytes) -> str:
    """The document's text, its lines joined by single spaces (a cell's text wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
async def uow():
    uow = FakeTargetUnitOfWork()
    uow.add_unit(AGENCY, WorkUnit("dinas", "Dinas Komunikasi dan Informatika", None, BUDI))
    uow.add_employee(AGENCY, ATASAN, name="Sekretaris Daerah", position="Sekda", unit="Setda")
    uow.add_employee(AGENCY, BUDI, appraiser_nip=ATASAN, name="Budi Santoso", position="Kepala Dinas", unit="Dinas")
    uow.add_employee(AGENCY, SITI, appraiser_nip=BUDI, name="Siti Aminah", position="Pranata Humas", unit="Bidang IKP")
    uow.add_employee(AGENCY, RINA, appraiser_nip=BUDI, name="Rina")
    uow.add_employee(AGENCY, STRANGER, appraiser_nip=RINA, name="Joko")
    return uow


async def approved(uow, period_id: str, nip: str, appraiser: str, rhk: list[RhkDraft]) -> dict:
    made = await skp.create_skp(uow, agency_id=AGENCY, nip=nip, period_id=period_id, rhk=rhk)
    for actor, action in ((nip, "submit"), (appraiser, "approve")):
        made = await skp.change_skp(
            uow, agency_id=AGENCY, skp_id=made["skp_id"], actor_nip=actor, is_hr=False, action=action
        )
    return made


@pytest.fixture
async def year(uow):
    period = await periods.open_new_period(uow, agency_id=AGENCY, year=2026, starts_on=None, ends_on=None)
    period_id = period["period_id"]
    iku, _ = await periods.define_period_iku(
        uow,
        agency_id=AGENCY,
        period_id=period_id,
        code="IKU-1",
        description="Indeks keterbukaan informasi publik",
        target=90,
        unit="indeks",
        higher_is_better=True,
    )
    budi = await approved(
        uow,
        period_id,
        BUDI,
        ATASAN,
        [
            RhkDraft(
                RhkKind.UTAMA,
                "Meningkatnya keterbukaan informasi",
                (IndikatorDraft(Aspect.KUALITAS, "Nilai KIP", 90, "indeks"),),
                iku_id=iku["iku_id"],
            )
        ],
    )
    siti = await approved(
        uow,
        period_id,
        SITI,
        BUDI,
        [
            RhkDraft(
                RhkKind.UTAMA,
                "Terpublikasinya informasi <layanan> & program",
                (
                    IndikatorDraft(Aspect.KUANTITAS, "Siaran pers yang terbit", 48, "siaran"),
                    IndikatorDraft(Aspect.WAKTU, "Waktu tayang sejak kegiatan", 1.5, "hari"),
                ),
                supports_rhk_id=budi["rhk"][0]["rhk_id"],
            ),
            RhkDraft(
                RhkKind.TAMBAHAN,
                "Tersusunnya pedoman media sosial",
                (IndikatorDraft(Aspect.KUANTITAS, "Pedoman", 1, "dokumen"),),
            ),
        ],
    )
    return period_id, budi, siti


async def document(uow, skp_id: str, actor: str, is_hr: bool = False):
    return await documents.skp_document(uow, agency_id=AGENCY, skp_id=skp_id, actor_nip=actor, is_hr=is_hr)


async def test_the_skp_form_prints_the_three_people_the_plan_and_what_it_intervenes_in(uow, year):
    _, _, siti = year
    found = await document(uow, siti["skp_id"], SITI)
    assert found.media_type == PDF and found.content.startswith(b"%PDF")
    assert found.filename == f"skp-{SITI}-2026.pdf"
    assert found.headers["Content-Disposition"] == f'attachment; filename="skp-{SITI}-2026.pdf"'
    text = text_of(found.content)
    for expected in (
        "SASARAN KINERJA PEGAWAI",
        "Dinas Komunikasi dan Informatika",
        "1 Januari 2026 s.d. 31 Desember 2026",
        "PEGAWAI YANG DINILAI",
        "Siti Aminah",
        SITI,
        "Pranata Humas",
        "Bidang IKP",
        "PEJABAT PENILAI KINERJA",
        "Budi Santoso",
        BUDI,
        "ATASAN PEJABAT PENILAI KINERJA",
        "Sekretaris Daerah",
        ATASAN,
        "Terpublikasinya informasi <layanan> & program",  # printed as typed, not read as markup
        "Siaran pers yang terbit",
        "48 siaran",
        "1,5 hari",
        "Meningkatnya keterbukaan informasi",  # Budi's RHK that Siti's supports
        "Tersusunnya pedoman media sosial",
        "1 dokumen",
        "Pegawai yang Dinilai",
        "Pejabat Penilai Kinerja",
        "Berorientasi Pelayanan",
    ):
        assert expected in text, expected
    assert DRAFT not in text
    assert text.index("A. UTAMA") < text.index("Terpublikasinya") < text.index("B. TAMBAHAN") < text.index("pedoman")


async def test_the_head_of_agency_intervenes_in_the_iku(uow, year):
    _, budi, _ = year
    text = text_of((await document(uow, budi["skp_id"], ATASAN)).content)
    assert "IKU-1 Indeks keterbukaan informasi publik" in text
    assert "Sekretaris Daerah" in text and "Budi Santoso" in text


async def test_the_owner_their_appraiser_and_hr_download_it_and_anyone_else_finds_nothing(uow, year):
    _, _, siti = year
    for actor, is_hr in ((SITI, False), (BUDI, False), ("196805051990031001", True)):
        assert (await document(uow, siti["skp_id"], actor, is_hr)).content.startswith(b"%PDF")
    for actor in (RINA, STRANGER, ATASAN):
        with pytest.raises(NotFound) as refused:
            await document(uow, siti["skp_id"], actor)
        assert str(refused.value) == skp.NO_SKP
    with pytest.raises(NotFound):
        await document(uow, "no-such-skp", SITI)


async def test_a_draft_prints_its_status_and_the_draft_mark(uow, year):
    period_id, _, _ = year
    made = await skp.create_skp(
        uow,
        agency_id=AGENCY,
        nip=RINA,
        period_id=period_id,
        rhk=[RhkDraft(RhkKind.UTAMA, "Terkelolanya arsip", (IndikatorDraft(Aspect.KUANTITAS, "Arsip", 10, "berkas"),))],
    )
    text = text_of((await document(uow, made["skp_id"], RINA)).content)
    assert DRAFT in text and "Draf, belum diajukan" in text
    assert "Terkelolanya arsip" in text and "10 berkas" in text
