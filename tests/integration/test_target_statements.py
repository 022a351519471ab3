"""A regression guard on target-service's hot write paths: how many SQL statements one HTTP
request sends. Each statement costs SQLAlchemy and driver work in the one Python process that
serves every write, so the count (not a time) is what these tests hold down.

Only the statements of the request under test are counted (the ``statements`` fixture of
conftest.py): the relay's own statements (another task) are not seen."""

import pytest

pytestmark = pytest.mark.integration

HR, SITI, BUDI = "196805051990031001", "198503122010012002", "197801012005011001"
ATASAN = "196505051990031001"  # the Kepala Dinas's appraiser, outside the agency
IKU = {
    "code": "IKU-1",
    "description": "Waktu respon pengaduan",
    "target": 14,
    "unit": "hari",
    "higher_is_better": False,
}
UTAMA = {
    "kind": "utama",
    "description": "Terselesaikannya pengaduan masyarakat",
    "indikator": [
        {"aspect": "waktu", "description": "Rata-rata waktu penyelesaian", "target": 14, "unit": "hari"},
        {"aspect": "kuantitas", "description": "Pengaduan yang diselesaikan", "target": 120, "unit": "pengaduan"},
    ],
}
TAMBAHAN = {
    "kind": "tambahan",
    "description": "Tersusunnya SOP layanan",
    "indikator": [
        {"aspect": "kualitas", "description": "SOP disahkan", "target": 1, "unit": "dokumen"},
    ],
}

# The most statements each request may send. Before the SKP, its owner and the period were each
# read in one statement (and read once): create 17, submit 18, approve 19, realisation 9.
# Each is a change of the employee's SKP, so each writes one access-log entry in its transaction
# (UU 27/2022, ADR 0008): one INSERT more each than the 7, 5, 6 and 4 before the access log.
# Then the period came with the SKP (its checkpoints, fixed when it opens, read once per process:
# the head's draft above read them), and a draft's owner, period and the appraiser's RHK ids in
# force in one statement: create 8 -> 6, submit 6 -> 5, approve 7 -> 6, realisation 5 -> 4.
# Then the event's outbox row and the access-log entry went with the commit, as one statement
# (kinerja_runtime.deferred), the realisation's own row with them: approve 6 -> 5, realisation
# 4 -> 2 (create and submit publish nothing: their entry goes alone). And a change of the latest
# version's state writes the SKP's summary and the version in one statement: submit 5 -> 4,
# approve 5 -> 4. And a new version's row, RHK and IKI go with the commit, with its access-log
# entry, in one statement (each table's rows as arrays): create 6 -> 3. And a decision reads
# what its RHK may support with the SKP: submit 4 -> 3, approve 4 -> 3.
MAX_STATEMENTS = {"create": 3, "submit": 3, "approve": 3, "realisation": 2}


async def test_skp_and_realisation_writes_send_few_statements(target_app, running, as_, statements):
    hr, siti, budi = as_(HR, "hr"), as_(SITI), as_(BUDI, "appraiser")
    async with running(target_app) as client:
        roster = {
            "employees": [
                {
                    "nip": BUDI,
                    "name": "Budi Santoso",
                    "position": "Kepala Dinas",
                    "unit": "Dinas",
                    "appraiser_nip": ATASAN,
                },
                {
                    "nip": SITI,
                    "name": "Siti Rahayu",
                    "position": "Analis",
                    "unit": "Bidang Pengaduan",
                    "appraiser_nip": BUDI,
                },
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
        plan = {"period_id": period_id, "rhk": [{**UTAMA, "supports_rhk_id": head["rhk"][0]["rhk_id"]}, TAMBAHAN]}

        counts, locking, writes = {}, {}, {}
        async with statements() as sent:
            created = await client.post("/skp", json=plan, headers=siti)
        assert created.status_code == 201, created.text
        counts["create"], writes["create"] = len(sent), sent
        skp_id = created.json()["skp_id"]
        async with statements() as sent:
            submitted = await client.post(f"/skp/{skp_id}/submit", headers=siti)
        assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text
        counts["submit"], writes["submit"] = len(sent), sent
        async with statements() as sent:
            approved = await client.post(f"/skp/{skp_id}/approve", headers=budi)
        assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
        counts["approve"], writes["approve"] = len(sent), sent
        locking["approve"] = sent[0]
        iki_id = approved.json()["rhk"][0]["indikator"][0]["iki_id"]
        async with statements() as sent:
            recorded = await client.post(
                f"/skp/{skp_id}/realizations",
                headers=siti,
                json={"iki_id": iki_id, "checkpoint_id": "triwulan-1", "value": 9},
            )
        assert recorded.status_code == 201, recorded.text
        counts["realisation"], writes["realisation"] = len(sent), sent
        locking["realisation"] = sent[0]

    assert counts == {k: min(counts[k], MAX_STATEMENTS[k]) for k in counts}, counts
    # Those that publish wrote their event and their access-log entry together, in one statement.
    assert all(any(_event_and_entry(sql) for sql in writes[k]) for k in ("approve", "realisation")), writes
    assert "INSERT INTO realizations" in writes["realisation"][-1]
    assert all(f"INSERT INTO {t}" in writes["create"][-1] for t in ("skp_versions", "skp_rhk", "skp_iki", "access_log"))
    if target_app.state.runtime.engine.dialect.name == "postgresql":
        # Read with the SKP, the period stays locked against a close until the event is committed
        # (ADR 0005): the close then waits for these, and later ones find the period closed.
        assert all(sql.rstrip().endswith("FOR SHARE OF periods") for sql in locking.values()), locking


def _event_and_entry(sql: str) -> bool:
    return sql.startswith("WITH") and "INSERT INTO outbox" in sql and "INSERT INTO access_log" in sql
