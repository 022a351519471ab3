"""target-service over HTTP against the real broker and database: roster import, periods,
the SKP lifecycle, realisation, and the events it publishes (read back with plain aiokafka)."""

import pytest

pytestmark = pytest.mark.integration

HR, SITI, BUDI, ANI = "196805051990031001", "198503122010012002", "197801012005011001", "199001012015012001"
OUTSIDER = "198808082012121002"
ATASAN = "196505051990031001"  # the Kepala Dinas's appraiser (Sekda), not on the agency's roster
IKU = {
    "code": "IKU-1",
    "description": "Waktu respon pengaduan",
    "target": 14,
    "unit": "hari",
    "higher_is_better": False,
}


def roster_json(*rows):
    return {
        "employees": [dict(zip(("nip", "name", "position", "unit", "appraiser_nip"), r, strict=False)) for r in rows]
    }


PLAN = {
    "rhk": [
        {
            "kind": "utama",
            "description": "Terselesaikannya pengaduan masyarakat",
            "indikator": [
                {"aspect": "waktu", "description": "Rata-rata waktu penyelesaian", "target": 14, "unit": "hari"},
                {
                    "aspect": "kuantitas",
                    "description": "Pengaduan yang diselesaikan",
                    "target": 120,
                    "unit": "pengaduan",
                },
            ],
        },
        {
            "kind": "tambahan",
            "description": "Tersusunnya SOP layanan",
            "indikator": [
                {"aspect": "kualitas", "description": "SOP disahkan", "target": 1, "unit": "dokumen"},
            ],
        },
    ],
}


async def test_roster_import_keeps_good_rows_reports_bad_lines_and_is_idempotent(
    target_app,
    running,
    as_,
    auth_headers,
    events_of,
):
    hr = as_(HR, "hr")
    async with running(target_app) as client:
        assert (await client.post("/employees", json=roster_json())).status_code == 401
        forbidden = await client.post("/employees", json=roster_json(), headers=as_(SITI, "employee"))
        assert forbidden.status_code == 403 and forbidden.headers["content-type"] == "application/problem+json"

        body = roster_json(
            (BUDI, "Budi Santoso", "Kepala Bidang", "Bidang Pengaduan"),
            (SITI, "Siti Rahayu", "Analis Pengaduan", "Bidang Pengaduan", BUDI),
            ("198502302010012002", "Tanggal Salah", "Staf", "Bidang Pengaduan"),
            (ANI, "", "Staf", "Bidang Pengaduan"),
        )
        first = await client.post("/employees", json=body, headers=hr)
        assert first.status_code == 200, first.text
        report = first.json()
        assert (report["registered"], report["updated"], report["unchanged"]) == (2, 0, 0)
        assert [(e["line"], e["nip"]) for e in report["errors"]] == [(3, "198502302010012002"), (4, ANI)]
        assert "birth date" in report["errors"][0]["reason"] and "name is required" in report["errors"][1]["reason"]

        csv_text = (
            "nip,name,position,unit,appraiser_nip\n"
            f"{SITI},Siti Rahayu,Analis Pengaduan,Bidang Pengaduan,{BUDI}\n"  # line 2: unchanged
            f"{ANI},Ani Lestari,Pranata Komputer,Bidang Pengaduan,{BUDI}\n"  # line 3: new
            f"{BUDI},Budi Santoso,Kepala Bidang Pengaduan,Bidang Pengaduan,\n"  # line 4: updated
            "12345,Pendek,Staf,Bidang Pengaduan,\n"  # line 5: bad NIP
            f"{OUTSIDER},Dua Kolom\n"  # line 6: too few fields
            f"{HR},Hadi Prasetyo,Kepala BKPSDM,Sekretariat,{HR}\n"  # line 7: own appraiser
        )
        csv = await client.post("/employees/import", content=csv_text, headers={**hr, "Content-Type": "text/csv"})
        assert csv.status_code == 200, csv.text
        report = csv.json()
        assert (report["registered"], report["updated"], report["unchanged"]) == (1, 1, 1)
        assert [(e["line"], e["nip"]) for e in report["errors"]] == [(5, "12345"), (6, OUTSIDER), (7, HR)]

        again = await client.post("/employees/import", content=csv_text, headers={**hr, "Content-Type": "text/csv"})
        assert (again.json()["registered"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 3)
        wrong_type = await client.post("/employees/import", content=csv_text, headers=hr)
        assert wrong_type.status_code == 415
        bad_header = await client.post(
            "/employees/import", content="nik,nama\n", headers={**hr, "Content-Type": "text/csv"}
        )
        assert bad_header.status_code == 422 and "missing: nip" in bad_header.json()["detail"]

        page = await client.get("/employees", params={"limit": 2}, headers=hr)
        assert page.status_code == 200 and page.json()["total"] == 3 and len(page.json()["items"]) == 2
        team = (await client.get("/employees", headers=as_(BUDI, "appraiser"))).json()  # an appraiser: their team
        assert (team["total"], [e["nip"] for e in team["items"]]) == (2, sorted([SITI, ANI]))
        assert (await client.get("/employees", params={"limit": 501}, headers=hr)).status_code == 422
        assert (await client.get("/employees", headers=as_(SITI))).status_code == 403
        assert (await client.get(f"/employees/{SITI}", headers=as_(SITI))).json()["appraiser_nip"] == BUDI
        other_agency = auth_headers(HR, "another-agency", ["hr"])
        assert (await client.get(f"/employees/{SITI}", headers=other_agency)).status_code == 404

        # 2 + 1 new + 1 changed; the re-import and unchanged rows publish nothing.
        events = await events_of("kinerja.employees", until=lambda types: len(types) >= 4)
        assert [(t, e["nip"]) for t, e in events if t == "EmployeeRegistered"].count(("EmployeeRegistered", BUDI)) == 2
        assert len(events) == 4
        budi = [e for _, e in events if e["nip"] == BUDI]
        assert [e["position"] for e in budi] == ["Kepala Bidang", "Kepala Bidang Pengaduan"]


async def test_skp_lifecycle_realisation_and_period_close(target_app, running, as_, auth_headers, agency, events_of):
    hr, siti, budi, ani = as_(HR, "hr"), as_(SITI), as_(BUDI, "appraiser"), as_(ANI, "appraiser")
    async with running(target_app) as client:
        roster = roster_json(
            (BUDI, "Budi Santoso", "Kepala Dinas", "Dinas", ATASAN),  # his appraiser is outside the agency
            (SITI, "Siti Rahayu", "Analis Pengaduan", "Bidang Pengaduan", BUDI),
            (ANI, "Ani Lestari", "Pranata Komputer", "Bidang Pengaduan", BUDI),
        )
        assert (await client.post("/employees", json=roster, headers=hr)).json()["registered"] == 3

        opened = await client.post("/periods", json={"year": 2025}, headers=hr)
        assert opened.status_code == 201, opened.text
        period = opened.json()
        assert (period["starts_on"], period["ends_on"], period["status"]) == ("2025-01-01", "2025-12-31", "open")
        assert (await client.post("/periods", json={"year": 2025}, headers=hr)).status_code == 409
        assert (await client.post("/periods", json={"year": 2026}, headers=siti)).status_code == 403
        period_id = period["period_id"]
        assert [c["checkpoint_id"] for c in period["checkpoints"]] == [f"triwulan-{n}" for n in range(1, 5)]

        # Cascading: Budi (head of agency) serves an IKU; Siti's RHK utama support Budi's approved RHK.
        iku = (await client.post(f"/periods/{period_id}/iku", json=IKU, headers=hr)).json()
        budi_skp = (
            await client.post(
                "/skp",
                json={"period_id": period_id, "rhk": [{**PLAN["rhk"][0], "iku_id": iku["iku_id"]}]},
                headers=budi,
            )
        ).json()
        await client.post(f"/skp/{budi_skp['skp_id']}/submit", headers=budi)
        budi_rhk = (await client.post(f"/skp/{budi_skp['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))).json()
        PLAN_SITI = {"rhk": [{**PLAN["rhk"][0], "supports_rhk_id": budi_rhk["rhk"][0]["rhk_id"]}, PLAN["rhk"][1]]}

        bad = await client.post(
            "/skp", json={"period_id": period_id, "rhk": [{**PLAN["rhk"][0], "kind": "inti"}]}, headers=siti
        )
        assert bad.status_code == 422 and "rhk.0.kind" in bad.json()["detail"]
        extra = await client.post("/skp", json={**PLAN, "period_id": period_id, "owner": BUDI}, headers=siti)
        assert extra.status_code == 422 and "owner" in extra.json()["detail"]
        no_utama = await client.post("/skp", json={"period_id": period_id, "rhk": PLAN["rhk"][1:]}, headers=siti)
        assert no_utama.status_code == 422 and "RHK utama" in no_utama.json()["detail"]
        stranger = await client.post("/skp", json={**PLAN, "period_id": period_id}, headers=as_(OUTSIDER))
        assert stranger.status_code == 404

        created = await client.post("/skp", json={**PLAN_SITI, "period_id": period_id}, headers=siti)
        assert created.status_code == 201, created.text
        skp = created.json()
        skp_id = skp["skp_id"]
        assert (skp["status"], skp["nip"], skp["version"]) == ("draft", SITI, None)
        assert [i["higher_is_better"] for i in skp["rhk"][0]["indikator"]] == [False, True]
        assert (await client.post("/skp", json={**PLAN_SITI, "period_id": period_id}, headers=siti)).status_code == 409

        assert (await client.post(f"/skp/{skp_id}/submit", headers=budi)).status_code == 403
        assert (await client.post(f"/skp/{skp_id}/approve", headers=budi)).status_code == 409  # still a draft
        assert (await client.post(f"/skp/{skp_id}/submit", headers=siti)).json()["status"] == "submitted"
        # Ani (a colleague, appraiser of nobody here) may not even see Siti's SKP: it is not there for her.
        assert (await client.post(f"/skp/{skp_id}/return", json={"notes": "x"}, headers=ani)).status_code == 404
        returned = await client.post(
            f"/skp/{skp_id}/return", json={"notes": "Tambahkan indikator kualitas"}, headers=budi
        )
        assert returned.json()["status"] == "returned" and returned.json()["notes"] == "Tambahkan indikator kualitas"

        revised_plan = {
            "rhk": [
                {
                    **PLAN_SITI["rhk"][0],
                    "indikator": [
                        *PLAN["rhk"][0]["indikator"],
                        {"aspect": "kualitas", "description": "Kepuasan pelapor", "target": 85, "unit": "indeks"},
                    ],
                }
            ]
        }
        assert (await client.put(f"/skp/{skp_id}", json=revised_plan, headers=budi)).status_code == 403
        revised = await client.put(f"/skp/{skp_id}", json=revised_plan, headers=siti)
        assert revised.status_code == 200 and revised.json()["status"] == "draft"
        assert len(revised.json()["rhk"]) == 1 and len(revised.json()["rhk"][0]["indikator"]) == 3
        await client.post(f"/skp/{skp_id}/submit", headers=siti)

        assert (await client.post(f"/skp/{skp_id}/approve", headers=siti)).status_code == 403
        assert (await client.post(f"/skp/{skp_id}/approve", headers=ani)).status_code == 404
        elsewhere = auth_headers(BUDI, "another-agency", ["appraiser"])
        assert (await client.post(f"/skp/{skp_id}/approve", headers=elsewhere)).status_code == 404
        approved = await client.post(f"/skp/{skp_id}/approve", headers=budi)
        assert approved.status_code == 200, approved.text
        assert (approved.json()["status"], approved.json()["version"], approved.json()["approved_by"]) == (
            "approved",
            1,
            BUDI,
        )
        assert (await client.put(f"/skp/{skp_id}", json=revised_plan, headers=siti)).status_code == 409

        iki_id = approved.json()["rhk"][0]["indikator"][1]["iki_id"]

        async def realise(body, headers, skp=skp_id):
            return await client.post(f"/skp/{skp}/realizations", json=body, headers=headers)

        recorded = await client.post(
            f"/skp/{skp_id}/realizations",
            json={"iki_id": iki_id, "checkpoint_id": "triwulan-1", "value": 37, "evidence": "https://lapor.example/q1"},
            headers=siti,
        )
        assert recorded.status_code == 201, recorded.text
        assert recorded.json()["checkpoint_id"] == "triwulan-1"
        no_checkpoint = await realise({"iki_id": iki_id, "value": 40}, hr)
        assert no_checkpoint.status_code == 422 and "checkpoint_id is required" in no_checkpoint.json()["detail"]
        wrong_checkpoint = await realise({"iki_id": iki_id, "value": 40, "checkpoint_id": "semester-1"}, hr)
        assert wrong_checkpoint.status_code == 422 and wrong_checkpoint.json()["field"] == "checkpoint_id"
        assert (await realise({"iki_id": iki_id, "value": 40, "checkpoint_id": "triwulan-2"}, hr)).status_code == 201
        assert (await realise({"iki_id": "nope", "value": 1, "checkpoint_id": "triwulan-1"}, siti)).status_code == 404
        negative = await realise({"iki_id": iki_id, "value": -1, "checkpoint_id": "triwulan-1"}, siti)
        assert negative.status_code == 422
        assert (await realise({"iki_id": iki_id, "value": 1, "checkpoint_id": "triwulan-1"}, ani)).status_code == 404

        ani_skp = (await client.post("/skp", json={**PLAN_SITI, "period_id": period_id}, headers=ani)).json()
        ani_iki = ani_skp["rhk"][0]["indikator"][0]["iki_id"]
        not_approved = await realise(
            {"iki_id": ani_iki, "value": 1, "checkpoint_id": "triwulan-1"}, ani, skp=ani_skp["skp_id"]
        )
        assert not_approved.status_code == 409

        view = await client.get(f"/skp/{skp_id}", headers=budi)
        assert view.status_code == 200 and [r["value"] for r in view.json()["realizations"]] == [37, 40]
        assert (await client.get(f"/skp/{skp_id}", headers=ani)).status_code == 404
        assert (
            await client.get(f"/skp/{skp_id}", headers=auth_headers(HR, "another-agency", ["hr"]))
        ).status_code == 404
        listed = await client.get(f"/employees/{SITI}/skp", params={"period_id": period_id}, headers=siti)
        assert [s["skp_id"] for s in listed.json()["items"]] == [skp_id]

        closed = await client.post(f"/periods/{period_id}/close", headers=hr)
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert (await client.post(f"/periods/{period_id}/close", headers=hr)).status_code == 409
        refused = await realise({"iki_id": iki_id, "value": 50, "checkpoint_id": "triwulan-4"}, siti)
        assert refused.status_code == 409 and "the 2025 period is closed" in refused.json()["detail"]
        assert period_id not in refused.text

        targets = await events_of("kinerja.targets", until=lambda types: types.count("EmployeePeriodClosed") >= 3)
        siti_targets = [(t, e) for t, e in targets if e["nip"] == SITI]
        # The close comes last on the employee's partition: after their targets and realisations.
        assert [t for t, _ in siti_targets] == [
            "TargetSet",
            "RealizationRecorded",
            "RealizationRecorded",
            "EmployeePeriodClosed",
        ]
        target_set = siti_targets[0][1]
        assert (target_set["skp_id"], target_set["version"], target_set["approved_by"]) == (skp_id, 1, BUDI)
        assert [len(r["indikator"]) for r in target_set["rhk"]] == [3]
        assert target_set["rhk"][0]["supports_rhk_id"] == budi_rhk["rhk"][0]["rhk_id"]
        assert siti_targets[1][1]["realization_id"] == recorded.json()["realization_id"]
        assert siti_targets[1][1]["checkpoint_id"] == "triwulan-1"
        by_nip = {
            e["nip"]: {k: e[k] for k in ("skp_id", "skp_version", "realization_count", "period_id")}
            for t, e in targets
            if t == "EmployeePeriodClosed"
        }
        assert by_nip == {
            SITI: {"skp_id": skp_id, "skp_version": 1, "realization_count": 2, "period_id": period_id},
            BUDI: {"skp_id": budi_skp["skp_id"], "skp_version": 1, "realization_count": 0, "period_id": period_id},
            ANI: {"skp_id": None, "skp_version": None, "realization_count": 0, "period_id": period_id},
        }

        periods = await events_of("kinerja.periods", until=lambda types: "PerformancePeriodClosed" in types)
        assert [t for t, _ in periods] == ["PerformancePeriodOpened", "PerformancePeriodClosed"]
        assert [c["name"] for c in periods[0][1]["checkpoints"]] == [
            "Triwulan I",
            "Triwulan II",
            "Triwulan III",
            "Triwulan IV",
        ]
        assert periods[1][1]["employee_count"] == 3 and "employees" not in periods[1][1]


async def test_approve_and_return_at_once_only_one_wins(target_app, running, as_, events_of):
    """Two decisions on one submitted SKP race: one lands, the other answers 409, and only a
    decision that landed publishes (no TargetSet for an SKP that ends up returned)."""
    import asyncio

    hr, siti, budi = as_(HR, "hr"), as_(SITI), as_(BUDI, "appraiser")
    async with running(target_app) as client:
        roster = roster_json(
            (BUDI, "Budi Santoso", "Kepala Dinas", "Dinas", ATASAN),
            (SITI, "Siti Rahayu", "Analis Pengaduan", "Bidang Pengaduan", BUDI),
        )
        assert (await client.post("/employees", json=roster, headers=hr)).status_code == 200
        period_id = (await client.post("/periods", json={"year": 2025}, headers=hr)).json()["period_id"]
        iku = (await client.post(f"/periods/{period_id}/iku", json=IKU, headers=hr)).json()
        budi_skp = (
            await client.post(
                "/skp",
                json={"period_id": period_id, "rhk": [{**PLAN["rhk"][0], "iku_id": iku["iku_id"]}]},
                headers=budi,
            )
        ).json()
        await client.post(f"/skp/{budi_skp['skp_id']}/submit", headers=budi)
        budi_rhk = (await client.post(f"/skp/{budi_skp['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))).json()
        plan = {"period_id": period_id, "rhk": [{**PLAN["rhk"][0], "supports_rhk_id": budi_rhk["rhk"][0]["rhk_id"]}]}
        skp_id = (await client.post("/skp", json=plan, headers=siti)).json()["skp_id"]
        assert (await client.post(f"/skp/{skp_id}/submit", headers=siti)).status_code == 200

        approve, give_back = await asyncio.gather(
            client.post(f"/skp/{skp_id}/approve", headers=budi),
            client.post(f"/skp/{skp_id}/return", json={"notes": "Perbaiki target"}, headers=budi),
        )
        assert sorted([approve.status_code, give_back.status_code]) == [200, 409], (approve.text, give_back.text)
        final = (await client.get(f"/skp/{skp_id}", headers=siti)).json()
        assert final["status"] == ("approved" if approve.status_code == 200 else "returned")
        if approve.status_code == 200:
            # Read while the app runs: its relay publishes the approval after the commit, and
            # leaving the block stops the relay (before, the read sometimes found nothing to read).
            published = await events_of("kinerja.targets", lambda types: types.count("TargetSet") >= 2)
            assert [d["skp_id"] for t, d in published if t == "TargetSet"].count(skp_id) == 1
