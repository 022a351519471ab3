"""Transfers over HTTP and the real broker: within an agency and to another agency, whose
old HR then no longer sees the employee."""

import json
import uuid

import pytest

pytestmark = pytest.mark.integration

HR, HR_B = "196805051990031001", "196906061991041001"
KADIS, KABID, SITI = "197001011995031001", "197801012005011001", "198503122010012002"



async def test_transfer_within_and_between_agencies(target_app, running, auth_headers, agency, read_topic):
    other = f"agency-{uuid.uuid4().hex[:12]}"
    hr, hr_b = auth_headers(HR, agency, ["hr"]), auth_headers(HR_B, other, ["hr"])
    async with running(target_app) as client:
        for headers, units in ((hr, [("dinas", None, KADIS), ("pelayanan", "dinas", KABID), ("pengaduan", "dinas", None)]),
                               (hr_b, [("badan", None, None), ("bidang-data", "badan", HR_B)])):
            for unit_id, parent, head in units:
                body = {"unit_id": unit_id, "name": unit_id.title(), "parent_unit_id": parent, "head_nip": head}
                assert (await client.post("/units", json=body, headers=headers)).status_code == 201
        roster = {"employees": [
            {"nip": KABID, "name": "Budi", "position": "Kepala Bidang", "unit_id": "pelayanan", "appraiser_nip": KADIS},
            {"nip": SITI, "name": "Siti Rahayu", "position": "Analis", "unit_id": "pengaduan", "appraiser_nip": KABID},
        ]}
        assert (await client.post("/employees", json=roster, headers=hr)).json()["registered"] == 2

        assert (await client.post(f"/employees/{SITI}/transfer", json={"unit_id": "pelayanan", "effective_on": "2025-07-01"},
                                  headers=auth_headers(SITI, agency, ["employee"]))).status_code == 403
        unknown = await client.post(f"/employees/{SITI}/transfer", json={"unit_id": "nowhere", "effective_on": "2025-07-01"},
                                    headers=hr)
        assert unknown.status_code == 422 and unknown.json()["unit_id"] == "nowhere"
        inside = await client.post(f"/employees/{SITI}/transfer", headers=hr,
                                   json={"unit_id": "pelayanan", "position": "Analis Pelayanan", "effective_on": "2025-07-01"})
        assert inside.status_code == 200, inside.text
        assert (inside.json()["unit_id"], inside.json()["appraiser_nip"]) == ("pelayanan", KABID)  # the unit's head
        again = await client.post(f"/employees/{SITI}/transfer", headers=hr,
                                  json={"unit_id": "pelayanan", "effective_on": "2025-07-02"})
        assert again.status_code == 409

        chosen = await client.post(f"/employees/{SITI}/transfer", headers=hr, json={
            "unit_id": "bidang-data", "to_agency_id": other, "appraiser_nip": KADIS, "effective_on": "2025-10-01"})
        assert chosen.status_code == 422, "the sending agency cannot pick an appraiser in the receiving one"
        away = await client.post(f"/employees/{SITI}/transfer", headers=hr, json={
            "unit_id": "bidang-data", "to_agency_id": other, "effective_on": "2025-10-01"})
        assert away.status_code == 200, away.text
        assert (away.json()["agency_id"], away.json()["previous_agency_id"]) == (other, agency)
        assert (await client.get(f"/employees/{SITI}", headers=hr)).status_code == 404
        assert (await client.post(f"/employees/{SITI}/transfer", headers=hr,
                                  json={"unit_id": "pelayanan", "effective_on": "2025-10-02"})).status_code == 404
        arrived = (await client.get(f"/employees/{SITI}", headers=hr_b)).json()
        assert (arrived["name"], arrived["unit_id"], arrived["appraiser_nip"]) == ("Siti Rahayu", "bidang-data", HR_B)

        records = await read_topic("kinerja.employees", timeout=30,
                                   until=lambda rs: sum(r.headers["ce_type"].endswith("EmployeeTransferred.v1") for r in rs) >= 2,
                                   where=lambda r: r.key == SITI and r.headers.get("ce_agency") in (agency, other))
        moves = [json.loads(r.value) for r in records if r.headers["ce_type"].endswith("EmployeeTransferred.v1")]
        assert [(m["previous_agency_id"], m["agency_id"], m["previous_unit_id"], m["unit_id"]) for m in moves] == [
            (agency, agency, "pengaduan", "pelayanan"), (agency, other, "pelayanan", "bidang-data")]
        assert moves[1]["effective_on"] == "2025-10-01" and moves[1]["unit"] == "Bidang-Data"
