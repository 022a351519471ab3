"""The recognition (penghargaan) pages on fake services (httpx.MockTransport): the employee's
recognitions, the candidates of a checkpoint with the forms HR and appraisers record one with,
what the portal sends feedback-service, and its refusals shown on the form; the talent pool's
evidence on HR's development page; the pure helpers."""

import json
import re
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.pages.recognition import choose_checkpoint, recognition_body, with_names
from web_portal.settings import PortalSettings

AGENCY = "dinas-uji"
HR_NIP = PortalSettings().dev_hr_nip
BOSS, STAFF, OTHER = "198001012005011001", "199001012015011002", "199202022016022003"
ROSTER = {
    "items": [
        {"nip": BOSS, "name": "Budi Kepala", "appraiser_nip": None},
        {"nip": STAFF, "name": "Siti Staf", "appraiser_nip": BOSS},
        {"nip": OTHER, "name": "Rina Loket", "appraiser_nip": BOSS},
    ]
}
CHECKPOINTS = [
    {"checkpoint_id": "q1", "name": "Triwulan I", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
    {"checkpoint_id": "q2", "name": "Triwulan II", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
]
PERIOD = {
    "period_id": "P",
    "year": 2026,
    "status": "open",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "checkpoints": CHECKPOINTS,
}
RECOGNITION = {
    "recognition_id": "r1",
    "nip": STAFF,
    "period_id": "P",
    "checkpoint_id": "q1",
    "kind": "citizen_rating",
    "reason": "Dinilai sangat baik oleh warga di loket.",
    "given_by_nip": BOSS,
    "given_at": "2026-04-03T02:00:00+00:00",
}


def candidates_for(checkpoint_id: str) -> dict:
    return {
        "period_id": "P",
        "checkpoint_id": checkpoint_id,
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
        "min_answers": 10,
        "top_band": "A",
        "candidates": [
            {
                "nip": STAFF,
                "name": "Siti Staf",
                "position": "Petugas",
                "unit": "Loket",
                "answers": 14,
                "index": 97.5,
                "mutu": "A",
                "recognised": True,
            },
            {
                "nip": OTHER,
                "name": "Rina Loket",
                "position": "Petugas",
                "unit": "Loket",
                "answers": 11,
                "index": 90.12,
                "mutu": "A",
                "recognised": False,
            },
        ],
    }


class FakeServices:
    """Answers per (service, method, path); records what the portal sent; ``refusal`` answers
    the next POST /recognitions."""

    def __init__(self):
        self.sent: list[tuple[str, str, str, httpx.Request]] = []
        self.refusal: httpx.Response | None = None

    def answer(self, service: str, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.sent.append((service, method, path, request))
        if (service, method, path) == ("feedback-service", "POST", "/recognitions"):
            if self.refusal is not None:
                return self.refusal
            return httpx.Response(201, json={**RECOGNITION, **json.loads(request.content)})
        if (service, path) == ("feedback-service", "/recognition/candidates"):
            return httpx.Response(200, json=candidates_for(request.url.params.get("checkpoint_id", "")))
        routes = {
            ("target-service", "GET", "/employees"): ROSTER,
            ("target-service", "GET", "/periods"): {"items": [PERIOD]},
            ("feedback-service", "GET", "/me/recognitions"): {"nip": STAFF, "recognitions": [RECOGNITION]},
            ("training-service", "GET", "/reports/development"): {
                "year": 2026,
                "by_competency": [],
                "jp_fulfilment": {"employees": [], "fulfilled": 0, "total": 0},
                "limit": 100,
                "offset": 0,
                "next_offset": None,
            },
            ("training-service", "GET", "/talent-pool"): {
                "nominations": [
                    {
                        "nip": STAFF,
                        "years": [2025, 2026],
                        "appraisal_ids": ["a1", "a2"],
                        "nominated_at": "2026-01-20T03:00:00+00:00",
                        "recognitions": [RECOGNITION],
                    }
                ],
                "limit": 100,
                "offset": 0,
                "next_offset": None,
            },
        }
        if (service, method, path) in routes:
            return httpx.Response(200, json=routes[(service, method, path)])
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such thing"})

    def posted(self) -> list[dict]:
        return [json.loads(r.content) for s, m, p, r in self.sent if (m, p) == ("POST", "/recognitions")]


@pytest.fixture
def fake():
    return FakeServices()


def signed_in(fake: FakeServices, nip: str):
    transports = {
        name: httpx.MockTransport(lambda request, name=name: fake.answer(name, request))
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }
    client = TestClient(create_app(PortalSettings(dev_agency=AGENCY), transports))
    client.__enter__()
    page = client.get("/masuk")
    signed = client.post(
        "/masuk/dev", data={"nip": nip, "agency": AGENCY, "csrf_token": csrf(page.text)}, follow_redirects=False
    )
    assert signed.status_code == 303
    return client


@pytest.fixture
def staff(fake):
    client = signed_in(fake, STAFF)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def boss(fake):
    client = signed_in(fake, BOSS)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def hr(fake):
    client = signed_in(fake, HR_NIP)
    yield client
    client.__exit__(None, None, None)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# -- the pure helpers ---------------------------------------------------------------------------------


def test_the_checkpoint_asked_for_else_the_latest_begun_else_the_first():
    assert choose_checkpoint(PERIOD, "q1", date(2026, 5, 1))["checkpoint_id"] == "q1"
    assert choose_checkpoint(PERIOD, "q9", date(2026, 5, 1))["checkpoint_id"] == "q2"
    assert choose_checkpoint(PERIOD, None, date(2026, 2, 1))["checkpoint_id"] == "q1"
    assert choose_checkpoint(PERIOD, None, date(2025, 12, 1))["checkpoint_id"] == "q1"
    assert choose_checkpoint({**PERIOD, "checkpoints": []}, "q1", date(2026, 5, 1)) is None
    assert choose_checkpoint(None, None, date(2026, 5, 1)) is None


def test_the_body_is_checked_before_it_is_sent():
    body, errors = recognition_body(
        {"nip": f" {STAFF} ", "period_id": "P", "checkpoint_id": "q1", "kind": "leader", "reason": "  Teladan "}
    )
    assert body == {"nip": STAFF, "period_id": "P", "checkpoint_id": "q1", "kind": "leader", "reason": "Teladan"}
    assert errors == {}
    body, errors = recognition_body({"nip": "12", "period_id": "P", "kind": "gift", "reason": " "})
    assert "checkpoint_id" not in body
    assert set(errors) == {"nip", "kind", "reason"}
    assert recognition_body({"nip": STAFF, "kind": "leader", "reason": "x" * 1001})[1] == {
        "reason": "Alasan paling banyak 1000 karakter."
    }


def test_recognitions_are_named_with_their_year_checkpoint_and_kind():
    [shown] = with_names([RECOGNITION], [PERIOD])
    assert (shown["year"], shown["checkpoint"], shown["kind_label"]) == (2026, "Triwulan I", "Penilaian warga")
    [unknown] = with_names([{**RECOGNITION, "period_id": "X", "kind": "leader"}], [PERIOD])
    assert (unknown["year"], unknown["checkpoint"], unknown["kind_label"]) == ("", "q1", "Apresiasi pimpinan")


# -- the pages ----------------------------------------------------------------------------------------


def test_the_employee_sees_their_recognitions(staff):
    page = staff.get("/pegawai/penghargaan")
    assert page.status_code == 200, page.text[:500]
    assert "Penilaian warga" in page.text and "Triwulan I" in page.text
    assert "Dinilai sangat baik oleh warga di loket." in page.text and f"Dicatat oleh {BOSS}" in page.text
    assert 'href="/pegawai/penghargaan"' in page.text, "in the employee's navigation"
    english = staff.get("/bahasa/en?next=/pegawai/penghargaan")
    assert "Recognitions you received" in english.text and "Citizens&#39; ratings" in english.text


def test_the_appraiser_sees_the_checkpoints_candidates_with_a_form_for_those_not_yet_recognised(boss, fake):
    page = boss.get("/penilai/penghargaan?period_id=P&checkpoint_id=q1")
    assert page.status_code == 200, page.text[:500]
    [asked] = [r for s, m, p, r in fake.sent if p == "/recognition/candidates"]
    assert dict(asked.url.params) == {"period_id": "P", "checkpoint_id": "q1"}
    assert "Siti Staf" in page.text and "Sudah diberi penghargaan" in page.text
    assert "Rina Loket" in page.text and 'id="alasan-' + OTHER + '"' in page.text
    assert 'id="alasan-' + STAFF + '"' not in page.text, "already recognised: no form"
    assert "97.5 (A)" in page.text and "Apresiasi pimpinan" in page.text


def test_recognising_a_candidate_sends_the_body_and_returns_to_the_checkpoint(boss, fake):
    page = boss.get("/penilai/penghargaan?period_id=P&checkpoint_id=q1")
    sent = boss.post(
        "/penilai/penghargaan",
        data={
            "csrf_token": csrf(page.text),
            "nip": OTHER,
            "kind": "citizen_rating",
            "period_id": "P",
            "checkpoint_id": "q1",
            "reason": " Pelayanan cepat dan ramah ",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/penilai/penghargaan?period_id=P&checkpoint_id=q1"
    assert fake.posted() == [
        {
            "nip": OTHER,
            "period_id": "P",
            "checkpoint_id": "q1",
            "kind": "citizen_rating",
            "reason": "Pelayanan cepat dan ramah",
        }
    ]
    assert "Penghargaan dicatat." in boss.get(sent.headers["location"]).text


def test_a_blank_reason_is_shown_on_that_candidates_form_and_nothing_is_sent(boss, fake):
    page = boss.get("/penilai/penghargaan?period_id=P&checkpoint_id=q1")
    refused = boss.post(
        "/penilai/penghargaan",
        data={"csrf_token": csrf(page.text), "nip": OTHER, "kind": "citizen_rating", "period_id": "P", "reason": ""},
    )
    assert refused.status_code == 422
    assert f'id="galat-alasan-{OTHER}"' in refused.text and "Tuliskan alasan penghargaan." in refused.text
    assert fake.posted() == []


def test_the_services_refusals_come_back_on_the_page(boss, fake):
    page = boss.get("/penilai/penghargaan?period_id=P&checkpoint_id=q1")
    form = {"csrf_token": csrf(page.text), "kind": "leader", "period_id": "P", "checkpoint_id": "q1"}
    fake.refusal = httpx.Response(
        409, json={"title": "Conflict", "status": 409, "detail": "the employee already has a recognition of this kind"}
    )
    twice = boss.post("/penilai/penghargaan", data={**form, "nip": STAFF, "reason": "Teladan"})
    assert twice.status_code == 409 and "the employee already has a recognition of this kind" in twice.text
    assert "Teladan" in twice.text, "what was typed stays"
    fake.refusal = httpx.Response(404, json={"title": "Not found", "status": 404, "detail": "no such employee"})
    unknown = boss.post("/penilai/penghargaan", data={**form, "nip": "1" * 18, "reason": "Teladan"})
    assert unknown.status_code == 404 and 'id="galat-nip"' in unknown.text
    assert "Pegawai dengan NIP ini tidak dikenal." in unknown.text


def test_hr_records_from_its_own_page_and_sees_recognitions_in_the_talent_pool(hr, fake):
    page = hr.get("/pengelola/penghargaan")
    assert page.status_code == 200, page.text[:500]
    assert 'action="/pengelola/penghargaan"' in page.text and "Rina Loket" in page.text
    sent = hr.post(
        "/pengelola/penghargaan",
        data={
            "csrf_token": csrf(page.text),
            "nip": STAFF,
            "kind": "leader",
            "period_id": "P",
            "reason": "Teladan tim",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/pengelola/penghargaan?period_id=P"
    assert fake.posted()[-1] == {"nip": STAFF, "period_id": "P", "kind": "leader", "reason": "Teladan tim"}
    pool = hr.get("/pengelola/pengembangan")
    assert pool.status_code == 200 and "Penilaian warga" in pool.text
    assert "Dinilai sangat baik oleh warga di loket." in pool.text


def test_an_employee_without_the_role_does_not_reach_the_candidates(staff):
    assert staff.get("/pengelola/penghargaan").status_code == 403
    assert staff.get("/penilai/penghargaan").status_code == 403
