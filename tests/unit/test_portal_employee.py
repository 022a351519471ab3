"""The employee pages' pure helpers: reading the SKP editor's rows, the body sent and the service's
errors moved back onto the form's rows; ratings, Realisasi entries, the Keberatan window, the JP gauge."""

import json
import re
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.pages.employee_appraisal import days_left
from web_portal.pages.employee_development import claim_body, gauge
from web_portal.pages.employee_feedback import read_ratings
from web_portal.pages.employee_skp import editable_version, realisation_entries
from web_portal.pages.employee_skp_form import (
    add_row,
    in_our_words,
    number_text,
    parse_number,
    plan_from_rows,
    rows_from_form,
    rows_from_skp,
    values_of,
)
from web_portal.settings import PortalSettings


def iki(description="Berkas", target="10", unit="berkas", aspect="kuantitas", **more):
    return {
        "aspect": aspect,
        "description": description,
        "target": target,
        "unit": unit,
        "higher_is_better": "",
        "iki_id": "",
        **more,
    }


def rhk(description, *indikator, kind="utama", **more):
    return {
        "kind": kind,
        "description": description,
        "supports_rhk_id": "",
        "iku_id": "",
        "rhk_id": "",
        "indikator": list(indikator),
        **more,
    }


def test_rows_are_read_from_the_form_in_order_and_unknown_fields_ignored():
    form = {
        "rhk.1.description": "Kedua",
        "rhk.0.description": "Pertama",
        "rhk.0.kind": "utama",
        "rhk.0.indikator.1.target": "5",
        "rhk.0.indikator.0.target": "7",
        "rhk.0.indikator.0.evil": "x",
        "rhk.1.kind": "tambahan",
        "csrf_token": "t",
        "rhk.999.description": "too far",
    }
    rows = rows_from_form(form)
    assert [r["description"] for r in rows] == ["Pertama", "Kedua"]
    assert [i["target"] for i in rows[0]["indikator"]] == ["7", "5"]
    assert rows[1]["kind"] == "tambahan" and len(rows[1]["indikator"]) == 1  # an empty IKI row to fill in
    assert "evil" not in rows[0]["indikator"][0]


def test_adding_rows_keeps_what_was_typed():
    rows = [rhk("Pertama", iki())]
    more = add_row(rows, "tambah_rhk")
    assert [r["description"] for r in more] == ["Pertama", ""] and more[1]["kind"] == "tambahan"
    with_iki = add_row(more, "tambah_iki.0")
    assert len(with_iki[0]["indikator"]) == 2 and with_iki[0]["indikator"][0]["description"] == "Berkas"
    assert add_row(rows, "tambah_iki.7") == rows and add_row(rows, "something") == rows


def test_blank_rows_are_not_sent_and_service_errors_land_on_the_rows_they_came_from():
    rows = [
        rhk("", iki("", "", "")),  # wholly blank: removed
        rhk("Utama", iki(), supports_rhk_id="R1"),
        rhk(
            "Tambahan",
            iki("", "", ""),
            iki("Dokumen", "1,5", "dokumen", aspect="waktu", higher_is_better="true"),
            kind="tambahan",
        ),
    ]
    plan = plan_from_rows(rows)
    assert not plan.errors
    assert plan.body == [
        {
            "kind": "utama",
            "description": "Utama",
            "supports_rhk_id": "R1",
            "indikator": [{"aspect": "kuantitas", "description": "Berkas", "target": 10.0, "unit": "berkas"}],
        },
        {
            "kind": "tambahan",
            "description": "Tambahan",
            "indikator": [
                {
                    "aspect": "waktu",
                    "description": "Dokumen",
                    "target": 1.5,
                    "unit": "dokumen",
                    "higher_is_better": True,
                }
            ],
        },
    ]
    moved = plan.form_errors({"rhk.1.indikator.0.unit": "short", "rhk.0.description": "empty", "period_id": "x"})
    assert moved == {"rhk.2.indikator.1.unit": "short", "rhk.1.description": "empty", "period_id": "x"}


def test_an_empty_description_is_sent_so_the_service_names_it_and_a_bad_target_is_named_here():
    plan = plan_from_rows([rhk("", iki(target="sepuluh"))])
    assert plan.body[0]["description"] == ""
    assert plan.errors == {"rhk.0.indikator.0.target": "Isi target dengan angka, misalnya 12 atau 12,5."}
    assert plan_from_rows([rhk("", iki("", "", ""))]).errors == {
        "rhk.0.description": "Tuliskan setidaknya satu RHK utama."
    }
    assert in_our_words({"rhk.0.description": "String should have at least 1 character", "x": "other"}) == {
        "rhk.0.description": "Wajib diisi.",
        "x": "other",
    }


def test_numbers_as_people_type_them():
    assert parse_number("12,5") == 12.5 and parse_number("12.5") == 12.5 and parse_number("1.000,5") == 1000.5
    assert parse_number("abc") is None and parse_number("nan") is None and parse_number("inf") is None
    assert number_text(120.0) == "120" and number_text(12.5) == "12,5"


def test_a_version_becomes_editor_rows_with_its_ids_and_back():
    version = [
        {
            "rhk_id": "R",
            "kind": "utama",
            "description": "Utama",
            "supports_rhk_id": "S",
            "iku_id": None,
            "indikator": [
                {
                    "iki_id": "I",
                    "aspect": "waktu",
                    "description": "Hari",
                    "target": 14.0,
                    "unit": "hari",
                    "higher_is_better": False,
                }
            ],
        }
    ]
    rows = rows_from_skp(version)
    values = values_of(rows)
    assert values["rhk.0.rhk_id"] == "R" and values["rhk.0.indikator.0.target"] == "14"
    assert values["rhk.0.indikator.0.higher_is_better"] == "false"
    assert plan_from_rows(rows_from_form(values)).body == [
        {
            "kind": "utama",
            "description": "Utama",
            "rhk_id": "R",
            "supports_rhk_id": "S",
            "indikator": [
                {
                    "aspect": "waktu",
                    "description": "Hari",
                    "target": 14.0,
                    "unit": "hari",
                    "higher_is_better": False,
                    "iki_id": "I",
                }
            ],
        }
    ]


def test_the_editable_version_is_a_pending_revision_or_a_draft_or_returned_first_version():
    assert editable_version({"status": "draft", "revision": None})["status"] == "draft"
    assert editable_version({"status": "submitted", "revision": None}) is None
    revision = {"status": "returned", "rhk": []}
    assert editable_version({"status": "approved", "revision": revision}) is revision
    assert editable_version({"status": "approved", "revision": {"status": "submitted"}}) is None


def test_every_berakhlak_value_needs_a_level():
    body, errors = read_ratings(
        {"ratings.akuntabel": "di_atas_ekspektasi", "ratings.loyal": "great", "comment": "  baik  "}
    )
    assert body == {"ratings": {"akuntabel": "di_atas_ekspektasi"}, "comment": "baik"}
    assert len(errors) == 6 and "ratings.loyal" in errors


def test_realisation_entries_are_the_rows_with_a_value():
    form = {
        "r.0.iki_id": "A",
        "r.0.value": "12,5",
        "r.0.evidence": " https://x/1 ",
        "r.1.iki_id": "B",
        "r.1.value": "",
        "r.2.iki_id": "C",
        "r.2.value": "banyak",
    }
    entries, errors = realisation_entries(form)
    assert entries == [(0, {"iki_id": "A", "value": 12.5, "evidence": "https://x/1"})]
    assert errors == {"r.2.value": "Isi dengan angka."}


def test_the_keberatan_window_counts_down_to_its_last_day():
    final = {"status": "final", "objection_closes_on": "2026-01-15", "objection_id": None}
    assert days_left(final, date(2026, 1, 10)) == 5
    assert days_left(final, date(2026, 1, 15)) == 0
    assert days_left(final, date(2026, 1, 16)) is None
    assert days_left({**final, "objection_id": "O"}, date(2026, 1, 10)) is None
    assert days_left({**final, "status": "proposed"}, date(2026, 1, 10)) is None


def test_the_jp_gauge_counts_only_verified_jp_toward_twenty():
    assert gauge({"entitlement_jp": 20, "verified_jp": 12, "claimed_jp": 4}) == {
        "entitlement": 20,
        "verified": 12,
        "claimed": 4,
        "shown": 12,
        "remaining": 8,
        "fulfilled": False,
    }
    full = gauge({"entitlement_jp": 20, "verified_jp": 26, "claimed_jp": 0})
    assert full["shown"] == 20 and full["remaining"] == 0 and full["fulfilled"]


def test_a_claim_needs_a_title_and_jp_unless_from_the_catalogue():
    body, errors = claim_body(
        {"klaim.title": "Webinar", "klaim.jp": "3", "klaim.evidence": "S-1", "klaim.completed_on": "2026-02-01"}
    )
    assert body == {"title": "Webinar", "jp": 3, "evidence": "S-1", "completed_on": "2026-02-01"} and not errors
    _, errors = claim_body({"klaim.jp": "tiga"})
    assert set(errors) == {"klaim.title", "klaim.jp", "klaim.evidence", "klaim.completed_on"}
    body, errors = claim_body(
        {"klaim.catalogue_code": "K-1", "klaim.evidence": "S", "klaim.completed_on": "2026-02-01"}
    )
    assert not errors and body["catalogue_code"] == "K-1"


# -- pages on fake services ---------------------------------------------------------------------------

AGENCY = "dinas-uji"
ME = "199001012015011002"
ROSTER = {"items": [{"nip": ME, "name": "Siti Staf", "appraiser_nip": "198001012005011001"}]}
PERIOD = {
    "period_id": "P",
    "year": 2026,
    "status": "open",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "checkpoints": [{"checkpoint_id": "C1", "name": "Triwulan I", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}],
}
RHK = [
    {
        "rhk_id": "R",
        "kind": "utama",
        "description": "Terlayaninya izin",
        "supports_rhk_id": "S",
        "iku_id": None,
        "indikator": [
            {
                "iki_id": "I",
                "aspect": "kuantitas",
                "description": "Berkas selesai",
                "target": 120.0,
                "unit": "berkas",
                "higher_is_better": True,
            }
        ],
    }
]
SKP = {
    "skp_id": "K",
    "period_id": "P",
    "nip": ME,
    "status": "approved",
    "version": 1,
    "notes": None,
    "rhk": RHK,
    "revision": {"version": 2, "status": "returned", "notes": "Target terlalu rendah", "rhk": RHK, "reason": "naik"},
    "versions": [{"version": 1, "status": "approved", "in_force": True}],
    "realizations": [
        {
            "iki_id": "I",
            "checkpoint_id": "C1",
            "value": 30.0,
            "evidence": "https://bukti/1",
            "recorded_at": "2026-03-30T01:00:00+00:00",
        }
    ],
    "feedback": [],
}
APPRAISAL = {
    "appraisal_id": "A",
    "period_id": "P",
    "nip": ME,
    "kind": "annual",
    "revision": 1,
    "status": "final",
    "proposed": {"rating_hasil_kerja": "sesuai_ekspektasi", "rating_perilaku": "sesuai_ekspektasi", "predikat": "Baik"},
    "rating_hasil_kerja": "sesuai_ekspektasi",
    "rating_perilaku": "sesuai_ekspektasi",
    "predikat": "Baik",
    "overridden": False,
    "final_on": "2026-01-02",
    "objection_closes_on": "2020-01-16",
    "objection_id": None,
    "objections": [],
    "revisions": [],
    "explanation": {
        "hasil_kerja": {"basis": "own", "average_capaian_utama": 101.5, "level_from_average": "sesuai_ekspektasi"},
        "perilaku": {
            "score": None,
            "withheld": "fewer than 3 anonymous answers",
            "values": [{"value": "akuntabel", "withheld": "fewer than 3 anonymous answers", "evidence": []}],
        },
    },
}
FEEDBACK = {
    "nip": ME,
    "period_id": "P",
    "outside_rounds": {},
    "rounds": [
        {
            "round_id": "F",
            "status": "open",
            "sources": {
                "self": {"answers": 0, "forms": []},
                "peer": {"shown": False, "reason": "shown once the round is closed"},
                "subordinate": {"shown": False, "reason": "a reason the portal does not know"},
            },
        }
    ],
}


APPROVED = {**SKP, "skp_id": "L", "revision": None}
LINK_TARGETS = {
    "period_id": "P",
    "head_of_agency": False,
    "iku": [],
    "rhk": [
        {"rhk_id": "S", "kind": "utama", "description": "Terlayaninya perizinan"},
        {"rhk_id": "T", "kind": "tambahan", "description": "Tersusunnya SOP daring"},
    ],
}
SENT: list[tuple[str, str, dict]] = []  # what the portal sent the services (POST/PUT bodies)


def answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    routes = {
        "/employees": ROSTER,
        "/periods": {"items": [PERIOD]},
        "/skp/K": SKP,
        "/skp/L": APPROVED,
        "/appraisals/A": APPRAISAL,
        f"/employees/{ME}/feedback": FEEDBACK,
        "/feedback-rounds/assigned": {"rounds": []},
        "/skp/link-targets": LINK_TARGETS,
    }
    if request.method in ("POST", "PUT") and request.content.startswith(b"{"):
        SENT.append((request.method, path, json.loads(request.content)))
    if request.method == "POST" and path == "/skp/L/revisions":
        return httpx.Response(201, json={**APPROVED, "revision": {"version": 2, "status": "draft"}})
    if request.method == "POST" and path == "/appraisals/A/objections":
        return httpx.Response(
            409, json={"title": "Conflict", "status": 409, "detail": "the objection window closed on 2020-01-16"}
        )
    return httpx.Response(200, json=routes.get(path, {}))


@pytest.fixture
def employee():
    transports = {
        name: httpx.MockTransport(answer)
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), transports)) as client:
        page = client.get("/masuk")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post("/masuk/dev", data={"nip": ME, "agency": AGENCY, "csrf_token": token}, follow_redirects=False)
        yield client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_returned_revision_shows_the_notes_and_can_be_edited(employee):
    page = employee.get("/pegawai/skp/K")
    assert page.status_code == 200
    assert "Target terlalu rendah" in page.text and "/pegawai/skp/K/ubah" in page.text


def test_the_realisation_page_shows_what_was_recorded_with_its_evidence_link(employee):
    page = employee.get("/pegawai/skp/K/realisasi?checkpoint_id=C1")
    assert page.status_code == 200
    assert "Tercatat: 30 berkas" in page.text and 'href="https://bukti/1"' in page.text
    refused = employee.post(
        "/pegawai/skp/K/realisasi",
        data={"csrf_token": csrf(page.text), "checkpoint_id": "C1", "r.0.iki_id": "I", "r.0.value": "banyak"},
    )
    assert refused.status_code == 422 and 'id="galat-r-0-value"' in refused.text


def test_the_appraisal_shows_how_it_was_reached_withheld_values_saying_so(employee):
    page = employee.get("/pegawai/penilaian/A")
    assert page.status_code == 200
    assert "Rata-rata capaian RHK utama" in page.text and "101,5" in page.text
    assert "Dirahasiakan: fewer than 3 anonymous answers" in page.text


def test_an_objection_after_the_window_shows_the_services_refusal(employee):
    form = employee.get("/pegawai/penilaian/A/keberatan")
    assert "tidak terbuka" in form.text
    refused = employee.post(
        "/pegawai/penilaian/A/keberatan", data={"csrf_token": csrf(form.text), "reasons": "Tidak adil"}
    )
    assert refused.status_code == 409 and "the objection window closed on 2020-01-16" in refused.text
    assert "Tidak adil" in refused.text  # what was typed stays


def test_feedback_results_are_shown_as_the_service_anonymises_them(employee):
    page = employee.get("/pegawai/umpan-balik?period_id=P")
    assert page.status_code == 200
    assert "Ditampilkan setelah putaran umpan balik ditutup." in page.text
    assert "a reason the portal does not know" in page.text


def test_the_editor_offers_what_the_service_says_an_rhk_may_link_to(employee):
    page = employee.get("/pegawai/skp/K/ubah")
    assert page.status_code == 200
    assert '<option value="S"' in page.text and "Tersusunnya SOP daring (RHK tambahan)" in page.text


def test_an_approved_skp_is_revised_with_a_reason_from_the_version_in_force(employee):
    assert "/pegawai/skp/L/revisi" in employee.get("/pegawai/skp/L").text
    assert "/pegawai/skp/K/revisi" not in employee.get("/pegawai/skp/K").text  # a revision is pending already
    form = employee.get("/pegawai/skp/L/revisi")
    assert form.status_code == 200 and 'name="reason"' in form.text and "Terlayaninya izin" in form.text
    typed = {
        "csrf_token": csrf(form.text),
        "rhk.0.rhk_id": "R",
        "rhk.0.kind": "utama",
        "rhk.0.description": "Terlayaninya izin",
        "rhk.0.supports_rhk_id": "S",
        "rhk.0.indikator.0.iki_id": "I",
        "rhk.0.indikator.0.aspect": "kuantitas",
        "rhk.0.indikator.0.description": "Berkas selesai",
        "rhk.0.indikator.0.target": "150",
        "rhk.0.indikator.0.unit": "berkas",
        "reason": " ",
    }
    refused = employee.post("/pegawai/skp/L/revisi", data=typed)
    assert refused.status_code == 422 and 'id="galat-reason"' in refused.text
    SENT.clear()
    saved = employee.post("/pegawai/skp/L/revisi", data={**typed, "reason": "Target dinaikkan"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/pegawai/skp/L"
    [(method, path, body)] = SENT
    assert (method, path, body["reason"]) == ("POST", "/skp/L/revisions", "Target dinaikkan")
    assert body["rhk"][0]["rhk_id"] == "R" and body["rhk"][0]["indikator"][0] == {
        "aspect": "kuantitas",
        "description": "Berkas selesai",
        "target": 150.0,
        "unit": "berkas",
        "iki_id": "I",
    }
