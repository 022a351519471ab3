"""Working through a plan over HTTP, with the real broker and database: completing an item
with evidence credits the ledger and publishes TrainingCompleted; items go overdue on the
injected clock; HR imports the catalogue from CSV and reads the agency report."""

import json
from datetime import timedelta

import pytest
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Predikat
from test_training_plans import (  # noqa: F401  (fixtures used by name)
    COMPLETED_AT,
    DEVELOPMENT,
    HR_NIP,
    appraisal,
    clock,
    plans_of,
    staff,
    training_app,
)

pytestmark = pytest.mark.integration

CSV = (
    "code,title,competency,form,method,jp,provider,modality\n"
    "TIK-SIBER,Pelatihan Keamanan Siber untuk Layanan Digital,teknis:keamanan_siber,klasikal,pelatihan,24,BSSN,"
    "tatap muka\n"
    "PEL-K01,Pelatihan Pelayanan Prima (versi OPD),Berorientasi Pelayanan,,pelatihan,20,BPSDM,tatap muka\n"
    "BAD-1,Kursus Memasak,memasak,klasikal,pelatihan,8,X,Y\n"
    "BAD-2,Jam Salah,akuntabel,nonklasikal,mentoring,0,X,Y\n"
)


async def test_complete_with_evidence_credits_the_ledger_and_publishes_training_completed(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,  # noqa: F811
    read_topic,
    clock,  # noqa: F811
):
    nip, appraiser, colleague = new_nip(), new_nip(), new_nip()
    period_id = f"{agency}-2025"
    me, mentor = auth_headers(nip, agency), auth_headers(appraiser, agency, ["appraiser"])
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip, colleague], appraiser, {period_id: 2025})
        await publish_event(
            appraisal(
                agency, nip, period_id, Predikat.KURANG_MISCONDUCT, weak=[BerakhlakValue.AKUNTABEL], missed=["iki-3"]
            )
        )
        (plan,) = (await plans_of(client, agency, nip))["plans"]
        mandatory = [i for i in plan["items"] if i["mandatory"]]
        assert {i["gap"] for i in mandatory} == {"akuntabel", "iki-3"}
        assert all(i["mentor_nip"] == appraiser for i in plan["items"])
        first, second = mandatory
        url = f"/plans/{plan['plan_id']}/items"

        stranger = await client.post(f"{url}/{first['item_id']}/enrol", headers=auth_headers(colleague, agency))
        assert stranger.status_code == 404, "refused like an item that does not exist"
        other_agency = await client.post(f"{url}/{first['item_id']}/enrol", headers=auth_headers(nip, "elsewhere"))
        assert other_agency.status_code == 404
        enrolled = await client.post(f"{url}/{first['item_id']}/enrol", headers=me)
        assert enrolled.status_code == 200 and enrolled.json()["status"] == "enrolled"

        future = await client.post(
            f"{url}/{first['item_id']}/complete", headers=me, json={"evidence": "SERT-1", "completed_on": "2027-01-01"}
        )
        assert future.status_code == 422
        no_evidence = await client.post(
            f"{url}/{first['item_id']}/complete", headers=me, json={"completed_on": "2026-01-21"}
        )
        assert no_evidence.status_code == 422
        done = await client.post(
            f"{url}/{first['item_id']}/complete",
            headers=me,
            json={"evidence": "SERT/BPSDM/2026/0042", "completed_on": "2026-01-21"},
        )
        assert done.status_code == 200, done.text
        assert done.json()["plan_status"] == "active", "one mandatory item is still open"
        again = await client.post(
            f"{url}/{first['item_id']}/complete",
            headers=me,
            json={"evidence": "SERT-AGAIN", "completed_on": "2026-01-21"},
        )
        assert again.status_code == 409, "an item is credited once"
        by_mentor = await client.post(
            f"{url}/{second['item_id']}/complete",
            headers=mentor,
            json={"evidence": "https://lms.example.go.id/c/77", "completed_on": "2026-01-21"},
        )
        assert by_mentor.status_code == 200 and by_mentor.json()["plan_status"] == "completed"

        outside = await client.post(
            f"/employees/{nip}/jp-ledger",
            headers=me,
            json={
                "title": "Seminar Nasional Pelayanan Publik",
                "jp": 3,
                "evidence": "PIAGAM-9",
                "completed_on": "2026-01-21",
            },
        )
        assert outside.status_code == 201 and outside.json()["catalogue_code"] == "luar-katalog"
        assert outside.json()["status"] == "claimed", "training recorded by the employee is a claim"

        ledger = await client.get(f"/employees/{nip}/jp-ledger", params={"year": 2026}, headers=mentor)
        assert ledger.status_code == 200, ledger.text
        assert ledger.json()["completed_jp"] == first["jp"] + second["jp"], "a claim does not count"
        assert ledger.json()["claimed_jp"] == 3
        assert {(e["evidence"], e["status"]) for e in ledger.json()["entries"]} == {
            ("SERT/BPSDM/2026/0042", "verified"),
            ("https://lms.example.go.id/c/77", "verified"),
            ("PIAGAM-9", "claimed"),
        }
        peek = await client.get(f"/employees/{nip}/jp-ledger", headers=auth_headers(colleague, agency))
        assert peek.status_code == 404, "a colleague does not see someone else's ledger"

        def enough(records):
            return sum(r.headers["ce_type"].endswith("TrainingCompleted.v1") for r in records) >= 2

        records = await read_topic(
            DEVELOPMENT, until=enough, timeout=60, where=lambda r: r.headers.get("ce_agency") == agency
        )
        completed = [json.loads(r.value) for r in records if r.headers["ce_type"].endswith("TrainingCompleted.v1")]
        assert {(e["item_id"], e["jp"], e["evidence"]) for e in completed if e["item_id"]} == {
            (first["item_id"], first["jp"], "SERT/BPSDM/2026/0042"),
            (second["item_id"], second["jp"], "https://lms.example.go.id/c/77"),
        }
        assert all(e["nip"] == nip and e["year"] == 2026 for e in completed)
        assert {r.key for r in records if r.headers["ce_type"].endswith("TrainingCompleted.v1")} == {nip}


async def test_items_go_overdue_on_the_clock_and_show_in_the_report(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,  # noqa: F811
    clock,  # noqa: F811
):
    nip, appraiser = new_nip(), new_nip()
    period_id = f"{agency}-2025"
    hr = auth_headers(HR_NIP, agency, ["hr"])
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip], appraiser, {period_id: 2025})
        await publish_event(appraisal(agency, nip, period_id, Predikat.BUTUH_PERBAIKAN, missed=["iki-9"]))
        (plan,) = (await plans_of(client, agency, nip))["plans"]
        gap = next(i for i in plan["items"] if i["gap"] == "iki-9")
        assert gap["competency"] == f"hasil_kerja:{Aspect.WAKTU.value}" and gap["overdue"] is False

        clock.now = COMPLETED_AT + timedelta(days=91)
        (plan,) = (await client.get(f"/employees/{nip}/plans", headers=hr)).json()["plans"]
        overdue = {i["gap"]: i["overdue"] for i in plan["items"]}
        assert overdue["iki-9"] is True, "mandatory item past its due date"
        assert not any(v for g, v in overdue.items() if g != "iki-9"), "top-up items are due at year end"
        assert plan["overdue_items"] == 1

        report = (await client.get("/reports/development", params={"year": 2026}, headers=hr)).json()
        waktu = next(c for c in report["by_competency"] if c["competency"] == "hasil_kerja:waktu")
        assert (waktu["items"], waktu["completed"], waktu["overdue"]) == (1, 0, 1)
        employee = next(e for e in report["jp_fulfilment"]["employees"] if e["nip"] == nip)
        assert (employee["completed_jp"], employee["entitlement_jp"], employee["fulfilled"]) == (0, 20, False)
        assert (await client.get("/reports/development", headers=auth_headers(nip, agency))).status_code == 403


async def test_catalogue_csv_import_reports_bad_lines_keeps_good_rows_and_is_idempotent(
    agency,
    database_url,
    training_app,
    running,
    auth_headers,  # noqa: F811
):
    hr = auth_headers(HR_NIP, agency, ["hr"]) | {"Content-Type": "text/csv"}
    async with running(training_app(database_url)) as client:
        refused = await client.post(
            "/catalogue/import", content=CSV, headers=auth_headers(HR_NIP, agency) | {"Content-Type": "text/csv"}
        )
        assert refused.status_code == 403
        first = await client.post("/catalogue/import", content=CSV, headers=hr)
        assert first.status_code == 200, first.text
        report = first.json()
        assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
        assert [(e["line"], e["code"]) for e in report["errors"]] == [(4, "BAD-1"), (5, "BAD-2")]
        assert "memasak" in report["errors"][0]["message"] and "jp" in report["errors"][1]["message"]

        again = (await client.post("/catalogue/import", content=CSV, headers=hr)).json()
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
        changed = (await client.post("/catalogue/import", content=CSV.replace(",24,", ",32,"), headers=hr)).json()
        assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 1)

        mine = {i["code"]: i for i in (await client.get("/catalogue", headers=hr)).json()}
        assert mine["TIK-SIBER"]["jp"] == 32 and mine["TIK-SIBER"]["source"] == "agency"
        assert (mine["PEL-K01"]["jp"], mine["PEL-K01"]["source"]) == (20, "agency")
        theirs = {
            i["code"]: i for i in (await client.get("/catalogue", headers=auth_headers(HR_NIP, "other-agency"))).json()
        }
        assert "TIK-SIBER" not in theirs and theirs["PEL-K01"]["source"] == "seeded", "imports stay in the agency"

        wrong = await client.post("/catalogue/import", content="kode,judul\n", headers=hr)
        assert wrong.status_code == 422 and "header" in wrong.json()["detail"]
        as_json = await client.post(
            "/catalogue/import", json={"csv": CSV}, headers=auth_headers(HR_NIP, agency, ["hr"])
        )
        assert as_json.status_code == 415
