"""The official documents over HTTP (issue 11): the SKP form from target-service and the Dokumen
Evaluasi Kinerja from appraisal-service, downloaded for an agency seeded through the four real
services (in-process, PostgreSQL, the session's broker). The text pypdf extracts is checked against
what the services answer as JSON: names, NIPs, RHK and IKI texts, targets, realisation and capaian,
ratings and predikat; a proposal carries the DRAFT / USULAN mark; whoever may not read the record
finds nothing, exactly as for a missing one.

With ``KINERJA_DOCUMENTS_DIR`` set (``make documents``), the SKP form and the annual evaluation are
also written there (skp-form.pdf, evaluation.pdf), for the README's pictures of them."""

import io
import os
from pathlib import Path

import pytest
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, Predikat
from kinerja_devtools.scenario import PLAN
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.documents import DRAFT, PDF, angka
from kinerja_runtime.settings import ServiceSettings
from pypdf import PdfReader
from two_agencies import Agency, Person, ServiceStack, build_apps, seed_agency

pytestmark = pytest.mark.integration

TOKENS = TokenIssuer(ServiceSettings())
GHOST = "5e1d0000-0000-4000-8000-00000000d0c0"


@pytest.fixture(scope="module")
def seeded(broker, postgres_url_factory):
    with ServiceStack(build_apps(broker, postgres_url_factory, "documents")) as stack:
        yield stack, seed_agency(stack, "Arjasari", 0)


def get(stack: ServiceStack, agency: Agency, person: Person, service: str, path: str, **params):
    token = TOKENS.issue(person.nip, agency.agency_id, list(person.roles))
    return stack.client.get(f"{stack.urls[service]}{path}", params=params, headers={"Authorization": f"Bearer {token}"})


def text_of(content: bytes) -> str:
    """The document's text, its lines joined by single spaces (a cell's text wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def pdf_of(response) -> str:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == PDF
    assert response.content.startswith(b"%PDF")
    return text_of(response.content)


def keep(name: str, content: bytes) -> None:
    folder = os.environ.get("KINERJA_DOCUMENTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(content)


def level(value: str) -> str:
    return Ekspektasi(value).label.title().upper()


def test_the_skp_form_prints_the_people_and_the_approved_plan(seeded):
    stack, agency = seeded
    employee, appraiser, kadis = agency["employee"], agency["appraiser"], agency["kadis"]
    path = f"/skp/{employee.skp_id}/document.pdf"
    response = get(stack, agency, employee, "target-service", path)
    text = pdf_of(response)
    keep("skp-form.pdf", response.content)
    year = get(stack, agency, agency["hr"], "target-service", f"/periods/{agency.period_id}").json()["year"]
    assert response.headers["content-disposition"] == f'attachment; filename="skp-{employee.nip}-{year}.pdf"'

    assert "SASARAN KINERJA PEGAWAI" in text and f"1 Januari {year} s.d. 31 Desember {year}" in text
    # The employee, the appraiser who approved the SKP, and the appraiser's own appraiser (the atasan).
    for person in (employee, appraiser, kadis):
        assert f"NAMA {person.name} 2 NIP {person.nip}" in text, person.name
    assert text.index(employee.name) < text.index(appraiser.name) < text.index(kadis.name)
    assert "Dinas Arjasari" in text  # the instansi: the agency's root unit
    skp = get(stack, agency, employee, "target-service", f"/skp/{employee.skp_id}").json()
    for rhk in skp["rhk"]:
        # Each RHK, and the appraiser's RHK it supports (the same words, index by index, in this plan).
        assert text.count(rhk["description"]) >= (2 if rhk["supports_rhk_id"] else 1), rhk["description"]
        for iki in rhk["indikator"]:
            assert iki["description"] in text and f"{angka(iki['target'])} {iki['unit']}" in text
    assert [r["description"] for r in skp["rhk"]] == [r["description"] for r in PLAN]
    assert text.index("A. UTAMA") < text.index(PLAN[0]["description"]) < text.index("B. TAMBAHAN")
    assert text.index("B. TAMBAHAN") < text.rindex(PLAN[2]["description"])
    assert DRAFT not in text and "Disetujui pada" in text
    assert "Pegawai yang Dinilai" in text and "Pejabat Penilai Kinerja" in text

    # The employee's appraiser and HR read it too.
    for reader in (appraiser, agency["hr"]):
        assert pdf_of(get(stack, agency, reader, "target-service", path)) == text


def test_the_head_of_agencys_skp_form_names_the_iku_it_serves(seeded):
    stack, agency = seeded
    kadis = agency["kadis"]
    text = pdf_of(get(stack, agency, kadis, "target-service", f"/skp/{kadis.skp_id}/document.pdf"))
    iku = get(stack, agency, agency["hr"], "target-service", f"/periods/{agency.period_id}/iku").json()["items"]
    assert "INDIKATOR KINERJA UTAMA (IKU) YANG DIAMPU" in text
    for item in iku:
        assert f"{item['code']} {item['description']}" in text


def test_the_annual_evaluation_prints_the_realisation_ratings_predikat_and_the_objection(seeded):
    stack, agency = seeded
    employee, appraiser, kadis = agency["employee"], agency["appraiser"], agency["kadis"]
    path = f"/appraisals/{employee.appraisal_id}/document.pdf"
    appraisal = get(stack, agency, employee, "appraisal-service", f"/appraisals/{employee.appraisal_id}").json()
    assert appraisal["status"] == "final" and appraisal["objections"], "seeded: final, with an objection"
    response = get(stack, agency, employee, "appraisal-service", path)
    text = pdf_of(response)
    keep("evaluation.pdf", response.content)
    assert response.headers["content-disposition"].startswith(f'attachment; filename="evaluasi-{employee.nip}-')

    assert "DOKUMEN EVALUASI KINERJA PEGAWAI" in text and "PERIODE: TAHUNAN" in text
    for person in (employee, appraiser, kadis):
        assert f"NAMA {person.name} 2 NIP {person.nip}" in text, person.name
    units = {
        iki["iki_id"]: iki["unit"]
        for rhk in get(stack, agency, employee, "target-service", f"/skp/{employee.skp_id}").json()["rhk"]
        for iki in rhk["indikator"]
    }
    for iki in appraisal["summary"]["indikator"]:
        unit = units[iki["iki_id"]]
        row = (
            f"{iki['description']} {angka(iki['target'])} {unit} {angka(iki['realization'])} {unit} "
            f"{angka(iki['capaian'])}% {'Tercapai' if iki['met'] else 'Belum tercapai'}"
        )
        assert row in text, row
    assert f"RATA-RATA CAPAIAN RHK UTAMA {angka(appraisal['summary']['average_capaian_utama'])}%" in text
    assert f"RATING HASIL KERJA {level(appraisal['rating_hasil_kerja'])}" in text
    assert f"RATING PERILAKU KERJA {level(appraisal['rating_perilaku'])}" in text
    assert f"PREDIKAT {Predikat(appraisal['predikat']).label.upper()}" in text
    # The BerAKHLAK evidence as the appraisal publishes it: a value shown with its level and answers,
    # a withheld one (too few peer answers in the seeded rounds) as withheld, with no number.
    assert appraisal["summary"]["perilaku_withheld"]
    assert_perilaku(appraisal["summary"], text)
    assert "Masa pengajuan keberatan: sampai dengan" in text
    assert "menunggu keputusan atasan pejabat penilai kinerja" in text  # the seeded objection
    assert DRAFT not in text and "(USULAN)" not in text

    for reader in (appraiser, kadis, agency["hr"]):  # kadis decides the objection
        assert pdf_of(get(stack, agency, reader, "appraisal-service", path)) == text


def assert_perilaku(summary: dict, text: str) -> None:
    shown, withheld = summary["perilaku"], summary["perilaku_withheld"]
    assert len(shown) + len(withheld) == len(BerakhlakValue)
    for value in shown:
        label = BerakhlakValue(value["value"]).label
        assert f"{label} {Ekspektasi(value['level']).label.title()} {value['answers']}" in text
    for value in withheld:
        assert f"{BerakhlakValue(value).label} Dirahasiakan Dirahasiakan" in text


def test_a_value_enough_colleagues_answered_is_printed_with_its_level_and_answers(seeded):
    """The Kepala Dinas heard from three subordinates: every value is shown."""
    stack, agency = seeded
    kadis = agency["kadis"]
    appraisal = get(stack, agency, kadis, "appraisal-service", f"/appraisals/{kadis.appraisal_id}").json()
    assert appraisal["summary"]["perilaku"] and not appraisal["summary"]["perilaku_withheld"]
    path = f"/appraisals/{kadis.appraisal_id}/document.pdf"
    text = pdf_of(get(stack, agency, kadis, "appraisal-service", path))
    assert_perilaku(appraisal["summary"], text)
    assert "Dirahasiakan" not in text


def test_a_periodic_proposal_is_printed_as_a_draft(seeded):
    stack, agency = seeded
    hr, employee = agency["hr"], agency["employee"]
    token = TOKENS.issue(hr.nip, agency.agency_id, list(hr.roles))
    proposed = stack.client.post(
        f"{stack.urls['appraisal-service']}/periods/{agency.period_id}/checkpoints/{agency.checkpoint_id}/appraisals",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert proposed.status_code == 200, proposed.text[:300]
    periodic = get(
        stack,
        agency,
        employee,
        "appraisal-service",
        f"/periods/{agency.period_id}/employees/{employee.nip}/appraisal",
        checkpoint_id=agency.checkpoint_id,
    ).json()
    assert periodic["status"] == "proposed" and periodic["kind"] == "periodic"
    response = get(stack, agency, employee, "appraisal-service", f"/appraisals/{periodic['appraisal_id']}/document.pdf")
    text = pdf_of(response)
    assert response.headers["content-disposition"].endswith(f'-{agency.checkpoint_id}.pdf"')
    assert DRAFT in text and "PERIODE: TRIWULAN IV" in text
    assert f"RATING HASIL KERJA (USULAN) {level(periodic['proposed']['rating_hasil_kerja'])}" in text
    assert f"PREDIKAT {Predikat(periodic['proposed']['predikat']).label.upper()}" in text


@pytest.mark.parametrize(
    ("service", "record", "path"),
    [
        ("target-service", "skp_id", "/skp/{}/document.pdf"),
        ("appraisal-service", "appraisal_id", "/appraisals/{}/document.pdf"),
    ],
)
def test_a_stranger_finds_nothing_exactly_as_for_a_missing_record(seeded, service, record, path):
    stack, agency = seeded
    employee, stranger = agency["employee"], agency["other_employee"]
    refused = get(stack, agency, stranger, service, path.format(getattr(employee, record)))
    missing = get(stack, agency, stranger, service, path.format(GHOST))
    assert refused.status_code == missing.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["title"], refused.json()["detail"]) == (missing.json()["title"], missing.json()["detail"])
    assert employee.nip not in refused.text and employee.name not in refused.text
    assert get(stack, agency, employee, service, path.format(GHOST)).status_code == 404
