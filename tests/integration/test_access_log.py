"""The access log (issue 8 item 15, UU 27/2022): every read or change of an employee's personal
record leaves an entry -- who, when, which record, which route, never the content -- that the
employee (``GET /me/access-log``) and their agency's HR (``GET /employees/{nip}/access-log``)
read; a refused read and a rolled-back change leave nothing. See docs/adr/0008-access-log.md."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi
from test_training_plans import HR_NIP, clock, staff, training_app  # noqa: F401  (fixtures used by name)

pytestmark = pytest.mark.integration

HR, SITI, BUDI, ANI = "196805051990031001", "198503122010012002", "197801012005011001", "199001012015012001"
ATASAN = "196505051990031001"  # the Kepala Dinas's appraiser, outside the agency
IKU = {
    "code": "IKU-1",
    "description": "Waktu respon pengaduan",
    "target": 14,
    "unit": "hari",
    "higher_is_better": False,
}
SECRET = "Terselesaikannya pengaduan masyarakat"  # an RHK's text: content no entry may hold
UTAMA = {
    "kind": "utama",
    "description": SECRET,
    "indikator": [
        {"aspect": "waktu", "description": "Rata-rata waktu penyelesaian", "target": 14, "unit": "hari"},
    ],
}
ENTRY_FIELDS = {"accessed_at", "actor_nip", "actor_roles", "action", "record_kind", "record_id", "route"}


def employee(nip: str, name: str, appraiser: str | None, position: str = "Analis") -> dict:
    return {"nip": nip, "name": name, "position": position, "unit": "Bidang Pengaduan", "appraiser_nip": appraiser}


async def agency_with_an_skp(client, as_) -> tuple[str, str]:
    """Budi heads the agency (approved SKP on an IKU), Siti and Ani work for him; Siti drafts
    her SKP. Returns (period_id, Siti's skp_id)."""
    hr, budi = as_(HR, "hr"), as_(BUDI, "appraiser")
    roster = {
        "employees": [
            employee(BUDI, "Budi Santoso", ATASAN, "Kepala Dinas"),
            employee(SITI, "Siti Rahayu", BUDI),
            employee(ANI, "Ani Lestari", BUDI),
        ]
    }
    assert (await client.post("/employees", json=roster, headers=hr)).status_code == 200
    period_id = (await client.post("/periods", json={"year": 2025}, headers=hr)).json()["period_id"]
    iku = (await client.post(f"/periods/{period_id}/iku", json=IKU, headers=hr)).json()
    head = (
        await client.post(
            "/skp", json={"period_id": period_id, "rhk": [{**UTAMA, "iku_id": iku["iku_id"]}]}, headers=budi
        )
    ).json()
    assert (await client.post(f"/skp/{head['skp_id']}/submit", headers=budi)).status_code == 200
    head = (await client.post(f"/skp/{head['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))).json()
    plan = {"period_id": period_id, "rhk": [{**UTAMA, "supports_rhk_id": head["rhk"][0]["rhk_id"]}]}
    created = await client.post("/skp", json=plan, headers=as_(SITI))
    assert created.status_code == 201, created.text
    return period_id, created.json()["skp_id"]


async def log_of(client, headers) -> list[dict]:
    response = await client.get("/me/access-log", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_an_hr_read_of_an_skp_is_in_the_employees_log_with_who_when_and_route_but_no_content(
    target_app,
    running,
    as_,
):
    async with running(target_app) as client:
        _, skp_id = await agency_with_an_skp(client, as_)
        before = datetime.now(UTC)
        read = await client.get(f"/skp/{skp_id}", headers=as_(HR, "hr"))
        assert read.status_code == 200 and read.json()["rhk"][0]["description"] == SECRET
        after = datetime.now(UTC)

        response = await client.get("/me/access-log", headers=as_(SITI))
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        newest = items[0]  # newest first
        assert set(newest) == ENTRY_FIELDS
        assert {k: v for k, v in newest.items() if k != "accessed_at"} == {
            "actor_nip": HR,
            "actor_roles": ["hr"],
            "action": "read",
            "record_kind": "skp",
            "record_id": skp_id,
            "route": "GET /skp/{skp_id}",
        }
        assert before <= datetime.fromisoformat(newest["accessed_at"]) <= after
        # Before it: her own drafting and HR's registering her (changes of her records); nothing of
        # the SKP's content is logged.
        assert [(e["actor_nip"], e["action"], e["record_kind"], e["route"]) for e in items[1:]] == [
            (SITI, "change", "skp", "POST /skp"),
            (HR, "change", "roster", "POST /employees"),
        ]
        assert SECRET not in response.text

        # HR of the agency reads the same log; another employee's log does not hold it.
        by_hr = await client.get(f"/employees/{SITI}/access-log", headers=as_(HR, "hr"))
        assert by_hr.status_code == 200 and by_hr.json()["items"] == items
        assert all(e["record_id"] != skp_id for e in await log_of(client, as_(ANI)))
        paged = await client.get("/me/access-log", params={"limit": 1, "offset": 1}, headers=as_(SITI))
        assert paged.json()["items"] == items[1:2]
        assert (await client.get("/me/access-log", params={"limit": 201}, headers=as_(SITI))).status_code == 422


async def test_a_refused_read_leaves_no_entry(target_app, running, as_, auth_headers, sql, database_url):
    async with running(target_app) as client:
        _, skp_id = await agency_with_an_skp(client, as_)
        colleague = await client.get(f"/skp/{skp_id}", headers=as_(ANI))
        assert colleague.status_code in (403, 404), colleague.text
        elsewhere = await client.get(f"/skp/{skp_id}", headers=auth_headers(HR, "another-agency", ["hr"]))
        assert elsewhere.status_code == 404
        assert (await client.get(f"/employees/{SITI}", headers=as_(ANI))).status_code in (403, 404)

        assert [e["route"] for e in await log_of(client, as_(SITI))] == ["POST /skp", "POST /employees"]
    reads = await sql(database_url, "SELECT count(*) AS n FROM access_log WHERE action = 'read'")
    assert reads == [{"n": 0}]


async def test_a_rolled_back_change_leaves_no_entry(target_app, running, as_, statements):
    async with running(target_app) as client:
        period_id, _ = await agency_with_an_skp(client, as_)
        async with statements() as sent:
            again = await client.post("/skp", json={"period_id": period_id, "rhk": [UTAMA]}, headers=as_(SITI))
        assert again.status_code == 409, again.text
        # The entry goes with the change's commit (kinerja_runtime.deferred): the change was refused
        # before it, so nothing of the entry was written.
        assert not any("INSERT INTO access_log" in s for s in sent), sent
        assert [e["route"] for e in await log_of(client, as_(SITI))] == ["POST /skp", "POST /employees"]


async def test_hr_of_another_agency_cannot_read_an_employees_log(target_app, running, as_, auth_headers):
    async with running(target_app) as client:
        await agency_with_an_skp(client, as_)
        own = await client.get(f"/employees/{SITI}/access-log", headers=as_(HR, "hr"))
        assert own.status_code == 200 and own.json()["items"]

        other = await client.get(f"/employees/{SITI}/access-log", headers=auth_headers(HR, "another-agency", ["hr"]))
        nobody = await client.get("/employees/199912312020121001/access-log", headers=as_(HR, "hr"))
        assert other.status_code == nobody.status_code == 404
        assert (other.json()["title"], other.json()["detail"]) == (nobody.json()["title"], nobody.json()["detail"])
        assert SITI not in other.json()["detail"]
        # Only HR reads another employee's log; an employee with no entries yet reads an empty one.
        assert (await client.get(f"/employees/{SITI}/access-log", headers=as_(BUDI, "appraiser"))).status_code == 403
        assert (await client.get(f"/employees/{BUDI}/access-log", headers=as_(HR, "hr"))).status_code == 200
        assert (await client.get("/me/access-log", headers=auth_headers(SITI, "another-agency", ["employee"]))).json()[
            "items"
        ] == []


async def test_a_team_list_records_one_entry_per_member_in_one_statement(
    target_app,
    running,
    as_,
    statements,
    sql,
    database_url,
):
    hr, budi = as_(HR, "hr"), as_(BUDI, "appraiser")
    async with running(target_app) as client:
        period_id, skp_id = await agency_with_an_skp(client, as_)
        counts, team = [], [SITI, ANI]
        for size in (2, 7):
            members = [f"199001012015011{n:03d}" for n in range(len(team), size)]
            team += members
            if members:
                roster = {"employees": [employee(nip, f"Pegawai {nip[-2:]}", BUDI) for nip in members]}
                assert (await client.post("/employees", json=roster, headers=hr)).status_code == 200
            async with statements() as sent:
                listed = await client.get("/me/team/skp", params={"period_id": period_id}, headers=budi)
            assert listed.status_code == 200 and {e["nip"] for e in listed.json()["items"]} == set(team)
            counts.append(len(sent))
            assert [s for s in sent if s.startswith("INSERT INTO access_log")] != []
            assert len([s for s in sent if s.startswith("INSERT")]) == 1

    assert counts[0] == counts[1], counts  # 7 members cost what 2 cost
    entries = await sql(
        database_url,
        "SELECT subject_nip, record_kind, record_id FROM access_log "
        "WHERE route = 'GET /me/team/skp' AND actor_nip = :budi",
        budi=BUDI,
    )
    assert len(entries) == 2 + 7
    last = entries[2:]
    assert sorted(e["subject_nip"] for e in last) == sorted(team)
    # Siti's entry names her SKP; members with none yet are named by their roster record.
    assert {(e["subject_nip"], e["record_kind"], e["record_id"]) for e in last if e["subject_nip"] == SITI} == {
        (SITI, "skp", skp_id)
    }
    assert {e["record_kind"] for e in last if e["subject_nip"] != SITI} == {"roster"}


async def test_feedback_round_accesses_are_logged_but_never_name_an_anonymous_giver(
    feedback_app,
    database_url,
    running,
    roster_ready,
    eventually,
    as_,
    agency,
):
    peer, period_id = ANI, "2025"
    hr, siti = as_(HR, "hr"), as_(SITI)
    async with running(feedback_app(database_url)) as client:
        await roster_ready(client, agency, SITI, period_id, appraiser_nip=BUDI)
        await roster_ready(client, agency, peer, period_id)
        opened = {}

        async def open_round():
            response = await client.post(
                "/feedback-rounds",
                json={"nip": SITI, "period_id": period_id, "givers": [{"nip": peer, "source": "peer"}]},
                headers=hr,
            )
            assert response.status_code == 201, response.text
            opened.update(response.json())

        await eventually(open_round, timeout=60, interval=0.2, what="feedback round opened")
        round_id = opened["round_id"]
        ratings = {v.value: Ekspektasi.SESUAI.value for v in BerakhlakValue}
        answered = await client.put(f"/feedback-rounds/{round_id}/answer", json={"ratings": ratings}, headers=as_(peer))
        assert answered.status_code == 201, answered.text
        assert (await client.get("/feedback-rounds/assigned", headers=as_(peer))).status_code == 200
        assert (await client.post(f"/feedback-rounds/{round_id}/close", headers=hr)).status_code == 200
        assert (await client.get(f"/feedback-rounds/{round_id}/results", headers=hr)).status_code == 200

        response = await client.get("/me/access-log", headers=siti)
        assert response.status_code == 200
        logged = [(e["actor_nip"], e["action"], e["record_kind"], e["route"]) for e in response.json()["items"]]
        assert logged[:3] == [
            (HR, "read", "feedback-round", "GET /feedback-rounds/{round_id}/results"),
            (HR, "change", "feedback-round", "POST /feedback-rounds/{round_id}/close"),
            (HR, "change", "feedback-round", "POST /feedback-rounds"),
        ]
        assert peer not in json.dumps(response.json())


async def test_entries_older_than_the_retention_are_purged(target_app, running, as_, sql, database_url):
    from kinerja_runtime.access_log import purge_older_than

    async with running(target_app) as client:
        await agency_with_an_skp(client, as_)
        await sql(
            database_url,
            "UPDATE access_log SET accessed_at = accessed_at - interval '731 days' WHERE route = 'POST /employees'",
        )
        sessions = target_app.state.runtime.sessions
        async with sessions() as session, session.begin():
            await purge_older_than(timedelta(days=730))(session, datetime.now(UTC))
        # The roster import's entries are past the retention; the SKPs' are kept.
        assert [e["route"] for e in await log_of(client, as_(SITI))] == ["POST /skp"]


async def test_training_logs_reads_of_the_jp_ledger_one_entry_per_employee_of_the_report(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    auth_headers,  # noqa: F811
):
    nip, colleague, appraiser = new_nip(), new_nip(), new_nip()
    hr, me = auth_headers(HR_NIP, agency, ["hr"]), auth_headers(nip, agency)
    async with running(training_app(database_url)) as client:
        # Polls HR's development report until every employee is known: each poll that answers
        # shows each employee's JP of the year, one entry each.
        await staff(client, agency, [nip, colleague], appraiser, {f"{agency}-2026": 2026})
        refused = await client.get(
            f"/employees/{nip}/jp-ledger", params={"year": 2026}, headers=auth_headers(colleague, agency)
        )
        assert refused.status_code == 404
        assert (await client.get(f"/employees/{nip}/jp-ledger", params={"year": 2026}, headers=hr)).status_code == 200

        mine = await log_of(client, me)
        assert (
            mine[0]["actor_nip"],
            mine[0]["action"],
            mine[0]["record_kind"],
            mine[0]["record_id"],
            mine[0]["route"],
        ) == (HR_NIP, "read", "jp-ledger", "2026", "GET /employees/{nip}/jp-ledger")
        assert {(e["actor_nip"], e["record_kind"], e["record_id"]) for e in mine[1:]} == {(HR_NIP, "jp-ledger", "2026")}
        assert {e["route"] for e in mine[1:]} == {"GET /reports/development"}
        # The last poll showed both employees (and the appraiser): each has that report's entry.
        assert "GET /reports/development" in {e["route"] for e in await log_of(client, auth_headers(colleague, agency))}
        assert colleague not in {e["actor_nip"] for e in mine}


async def test_a_cascade_read_is_in_the_log_of_every_employee_whose_plan_it_shows(target_app, running, as_):
    async with running(target_app) as client:
        period_id, siti_skp = await agency_with_an_skp(client, as_)
        iku_id = (await client.get(f"/periods/{period_id}/iku", headers=as_(HR, "hr"))).json()["items"][0]["iku_id"]
        tree = await client.get(f"/iku/{iku_id}/cascade", headers=as_(HR, "hr"))
        assert tree.status_code == 200, tree.text
        shown = {tree.json()["rhk"][0]["nip"], tree.json()["rhk"][0]["supported_by"][0]["nip"]}
        assert shown == {BUDI, SITI}

        for nip in (BUDI, SITI):
            read = [e for e in await log_of(client, as_(nip)) if e["route"] == "GET /iku/{iku_id}/cascade"]
            assert [(e["actor_nip"], e["action"], e["record_kind"]) for e in read] == [(HR, "read", "skp")]
        assert siti_skp in {e["record_id"] for e in await log_of(client, as_(SITI))}
        # Ani has no plan in the tree: her log holds no cascade read.
        assert not [e for e in await log_of(client, as_(ANI)) if e["route"] == "GET /iku/{iku_id}/cascade"]
