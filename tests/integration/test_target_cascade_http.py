"""target-service over HTTP and the real broker: work units, agency IKU, a three-level cascade
(IKU → Kepala Dinas → Kepala Bidang → staff), refused dangling links, return and resubmit,
revisions that keep their history, feedback, and a closed period refusing realisation."""

import pytest

pytestmark = pytest.mark.integration

HR, ATASAN = "196805051990031001", "196505051990031002"  # ATASAN (Sekda) is not on the agency's roster
KADIS, KABID, KABID_2 = "197001011995031001", "197801012005011001", "197902022006041002"
SITI, ANI = "198503122010012002", "199001012015012001"

UNITS = [
    {"unit_id": "dinas", "name": "Dinas Kependudukan", "head_nip": KADIS},
    {
        "unit_id": "pelayanan",
        "name": "Bidang Pelayanan",
        "parent_unit_id": "dinas",
        "head_nip": KABID,
        "serves_public": True,
    },
    {
        "unit_id": "pengaduan",
        "name": "Bidang Pengaduan",
        "parent_unit_id": "dinas",
        "head_nip": KABID_2,
        "serves_public": True,
    },
]
ROSTER = (
    "nip,name,position,unit,unit_id,appraiser_nip\n"
    f"{KADIS},Hadi Kusuma,Kepala Dinas,,dinas,{ATASAN}\n"
    f"{KABID},Budi Santoso,Kepala Bidang Pelayanan,,pelayanan,{KADIS}\n"
    f"{KABID_2},Rina Wati,Kepala Bidang Pengaduan,,pengaduan,{KADIS}\n"
    f"{SITI},Siti Rahayu,Analis Pelayanan,,pelayanan,{KABID}\n"
    f"{ANI},Ani Lestari,Pranata Komputer,Sekretariat,,{KABID}\n"
)


def plan(description, *, supports=None, iku=None, target=12, extra=()):
    return {
        "rhk": [
            {
                "kind": "utama",
                "description": description,
                "supports_rhk_id": supports,
                "iku_id": iku,
                "indikator": [
                    {
                        "aspect": "kuantitas",
                        "description": f"Keluaran: {description}",
                        "target": target,
                        "unit": "dokumen",
                    }
                ],
            },
            *extra,
        ]
    }


@pytest.fixture
def organisation(as_):
    """``await organisation(client)`` -> period: units, roster (CSV with unit ids), a period and its IKU."""

    async def build(client) -> dict:
        hr = as_(HR, "hr")
        for unit in UNITS:
            created = await client.post("/units", json=unit, headers=hr)
            assert created.status_code == 201, created.text
        report = await client.post("/employees/import", content=ROSTER, headers={**hr, "Content-Type": "text/csv"})
        assert report.json()["registered"] == 5 and report.json()["errors"] == [], report.text
        period = (await client.post("/periods", json={"year": 2025}, headers=hr)).json()
        iku = await client.post(
            f"/periods/{period['period_id']}/iku",
            headers=hr,
            json={
                "code": "IKU-1",
                "description": "Waktu respon pengaduan",
                "target": 14,
                "unit": "hari",
                "higher_is_better": False,
            },
        )
        assert iku.status_code == 201, iku.text
        return {**period, "iku": iku.json()}

    return build


@pytest.fixture
def approved(as_):
    """``await approved(client, nip, appraiser, period_id, plan)`` -> the approved SKP."""

    async def run(client, nip, appraiser, period_id, body) -> dict:
        created = await client.post("/skp", json={**body, "period_id": period_id}, headers=as_(nip))
        assert created.status_code == 201, created.text
        skp_id = created.json()["skp_id"]
        assert (await client.post(f"/skp/{skp_id}/submit", headers=as_(nip))).status_code == 200
        done = await client.post(f"/skp/{skp_id}/approve", headers=as_(appraiser, "appraiser"))
        assert done.status_code == 200, done.text
        return done.json()

    return run


async def test_units_tree_and_roster_by_unit_id(target_app, running, as_, events_of, organisation):
    hr = as_(HR, "hr")
    async with running(target_app) as client:
        await organisation(client)
        assert (await client.post("/units", json=UNITS[1], headers=hr)).status_code == 200  # same again: no change
        renamed = await client.post("/units", json={**UNITS[1], "name": "Bidang Pelayanan Publik"}, headers=hr)
        assert renamed.status_code == 200 and renamed.json()["name"] == "Bidang Pelayanan Publik"
        second_root = await client.post("/units", json={"unit_id": "lain", "name": "Lain"}, headers=hr)
        assert second_root.status_code == 422 and "root unit dinas" in second_root.json()["detail"]
        assert (
            await client.post(
                "/units", json={"unit_id": "x", "name": "X", "parent_unit_id": "dinas"}, headers=as_(SITI)
            )
        ).status_code == 403

        [root] = (await client.get("/units", headers=as_(SITI))).json()["units"]
        assert root["unit_id"] == "dinas" and [u["name"] for u in root["units"]] == [
            "Bidang Pelayanan Publik",
            "Bidang Pengaduan",
        ]
        siti = (await client.get(f"/employees/{SITI}", headers=as_(SITI))).json()
        assert (siti["unit_id"], siti["unit"]) == ("pelayanan", "Bidang Pelayanan Publik")

        bad = (
            "nip,name,position,unit,unit_id,appraiser_nip\n"
            f"{SITI},Siti Rahayu,Analis Pelayanan,,nowhere,{KABID}\n"
            "198507312010012,Pendek,Staf,Sekretariat,,\n"
            f"{ANI},Ani Lestari,Pranata Komputer,Sekretariat,,{KABID}\n"
        )
        report = (
            await client.post("/employees/import", content=bad, headers={**hr, "Content-Type": "text/csv"})
        ).json()
        assert (report["registered"], report["updated"], report["unchanged"]) == (0, 0, 1)
        assert [(e["line"], e["reason"]) for e in report["errors"]] == [
            (2, "unit_id nowhere is not a work unit of this agency"),
            (3, "a NIP has exactly 18 digits"),
        ]

        events = await events_of("kinerja.organisation", until=lambda types: len(types) >= 4)
        assert [(e["unit_id"], e["name"]) for _, e in events if e["unit_id"] == "pelayanan"] == [
            ("pelayanan", "Bidang Pelayanan"),
            ("pelayanan", "Bidang Pelayanan Publik"),
        ]
        assert {t for t, _ in events} == {"WorkUnitDefined"} and len(events) == 4


async def test_three_level_cascade_refuses_dangling_links_and_shows_the_tree(
    target_app,
    running,
    as_,
    events_of,
    organisation,
    approved,
):
    async with running(target_app) as client:
        period = await organisation(client)
        period_id, iku_id = period["period_id"], period["iku"]["iku_id"]

        # The Kepala Dinas heads the root unit: his RHK utama must serve an IKU of the period.
        unlinked = await client.post(
            "/skp", json={**plan("Pelayanan prima", iku="iku-x"), "period_id": period_id}, headers=as_(KADIS)
        )
        assert unlinked.status_code == 422 and unlinked.json()["link"] == {"iku_id": "iku-x"}
        kadis = await approved(client, KADIS, ATASAN, period_id, plan("Pelayanan prima", iku=iku_id))
        kadis_rhk = kadis["rhk"][0]["rhk_id"]

        # The Kepala Bidang drafts before the link target exists in an approved SKP: refused, naming RHK and link.
        dangling = await client.post(
            "/skp",
            headers=as_(KABID),
            json={**plan("Layanan adminduk tepat waktu", supports="no-such-rhk"), "period_id": period_id},
        )
        assert dangling.status_code == 422, dangling.text
        problem = dangling.json()
        assert problem["rhk"]["description"] == "Layanan adminduk tepat waktu"
        assert problem["link"] == {"supports_rhk_id": "no-such-rhk"} and "does not exist" in problem["detail"]
        kabid = await approved(
            client, KABID, KADIS, period_id, plan("Layanan adminduk tepat waktu", supports=kadis_rhk)
        )
        kabid_rhk = kabid["rhk"][0]["rhk_id"]

        # Rina's SKP is only a draft: Ani may not support its RHK (not approved) ...
        rina = (
            await client.post(
                "/skp",
                headers=as_(KABID_2),
                json={**plan("Pengaduan tuntas", supports=kadis_rhk), "period_id": period_id},
            )
        ).json()
        not_approved = await client.post(
            "/skp",
            headers=as_(ANI),
            json={**plan("Dukungan TI", supports=rina["rhk"][0]["rhk_id"]), "period_id": period_id},
        )
        assert (
            not_approved.status_code == 422
            and "does not exist in the appraiser's approved SKP" in not_approved.json()["detail"]
        )
        # ... and her RHK utama must be linked before she can submit.
        ani = (await client.post("/skp", headers=as_(ANI), json={**plan("Dukungan TI"), "period_id": period_id})).json()
        missing = await client.post(f"/skp/{ani['skp_id']}/submit", headers=as_(ANI))
        assert missing.status_code == 422 and missing.json()["link"] == {"supports_rhk_id": None}

        # Siti: submitted, returned with notes, edited, resubmitted, approved.
        siti = (
            await client.post(
                "/skp", headers=as_(SITI), json={**plan("KTP-el terbit", supports=kabid_rhk), "period_id": period_id}
            )
        ).json()
        await client.post(f"/skp/{siti['skp_id']}/submit", headers=as_(SITI))
        assert (
            await client.post(f"/skp/{siti['skp_id']}/return", json={"notes": "x"}, headers=as_(KADIS, "appraiser"))
        ).status_code == 404  # not his to see
        returned = await client.post(
            f"/skp/{siti['skp_id']}/return", json={"notes": "Naikkan target"}, headers=as_(KABID, "appraiser")
        )
        assert (returned.json()["status"], returned.json()["notes"]) == ("returned", "Naikkan target")
        assert (
            await client.put(
                f"/skp/{siti['skp_id']}", json=plan("KTP-el terbit", supports=kabid_rhk, target=20), headers=as_(KABID)
            )
        ).status_code == 403
        edited = await client.put(
            f"/skp/{siti['skp_id']}", json=plan("KTP-el terbit", supports=kabid_rhk, target=20), headers=as_(SITI)
        )
        assert edited.json()["status"] == "draft" and edited.json()["rhk"][0]["indikator"][0]["target"] == 20
        await client.post(f"/skp/{siti['skp_id']}/submit", headers=as_(SITI))
        siti_ok = await client.post(f"/skp/{siti['skp_id']}/approve", headers=as_(KABID, "appraiser"))
        assert siti_ok.json()["status"] == "approved" and siti_ok.json()["version"] == 1

        team = (
            await client.get("/me/team/skp", params={"period_id": period_id}, headers=as_(KABID, "appraiser"))
        ).json()
        assert {(m["nip"], m["status"]) for m in team["items"]} == {(SITI, "approved"), (ANI, "draft")}
        mine = (await client.get("/me/skp", params={"period_id": period_id}, headers=as_(SITI))).json()
        assert [s["skp_id"] for s in mine["items"]] == [siti["skp_id"]]

        tree = (await client.get(f"/iku/{iku_id}/cascade", headers=as_(SITI))).json()
        assert (tree["code"], tree["period_id"]) == ("IKU-1", period_id)
        [head] = tree["rhk"]
        assert (head["nip"], head["name"], head["skp_status"]) == (KADIS, "Hadi Kusuma", "approved")
        # Siti sees her own reporting line only: not Rina beside her appraiser (HR sees all, drafts too).
        assert [(n["nip"], n["skp_status"]) for n in head["supported_by"]] == [(KABID, "approved")]
        everything = (await client.get(f"/iku/{iku_id}/cascade", headers=as_(HR, "hr"))).json()
        assert [(n["nip"], n["skp_status"]) for n in everything["rhk"][0]["supported_by"]] == [
            (KABID, "approved"),
            (KABID_2, "draft"),
        ]
        budi = head["supported_by"][0]
        assert [(n["nip"], n["rhk_id"], n["supported_by"]) for n in budi["supported_by"]] == [
            (SITI, siti_ok.json()["rhk"][0]["rhk_id"], [])
        ]
        assert (await client.get("/iku/nope/cascade", headers=as_(SITI))).status_code == 404

        # Continuous feedback: the appraiser's, readable by the employee.
        rhk_id = siti_ok.json()["rhk"][0]["rhk_id"]
        assert (
            await client.post(f"/skp/{siti['skp_id']}/rhk/{rhk_id}/feedback", json={"note": "Bagus"}, headers=as_(SITI))
        ).status_code == 403
        note = await client.post(
            f"/skp/{siti['skp_id']}/rhk/{rhk_id}/feedback",
            headers=as_(KABID, "appraiser"),
            json={"note": "Antrean pagi perlu dipercepat", "checkpoint_id": "triwulan-1"},
        )
        assert note.status_code == 201, note.text
        read = (await client.get(f"/skp/{siti['skp_id']}/feedback", headers=as_(SITI))).json()["items"]
        assert [(f["rhk_id"], f["note"], f["given_by"]) for f in read] == [
            (rhk_id, "Antrean pagi perlu dipercepat", KABID)
        ]

        targets = await events_of("kinerja.targets", until=lambda types: types.count("TargetSet") >= 3)
        supports = {
            e["nip"]: (e["rhk"][0]["supports_rhk_id"], e["rhk"][0]["iku_id"]) for t, e in targets if t == "TargetSet"
        }
        assert supports == {KADIS: (None, iku_id), KABID: (kadis_rhk, None), SITI: (kabid_rhk, None)}


async def test_revision_keeps_history_and_version_n_stays_in_force(
    target_app,
    running,
    as_,
    events_of,
    organisation,
    approved,
):
    async with running(target_app) as client:
        period = await organisation(client)
        period_id = period["period_id"]
        kadis = await approved(client, KADIS, ATASAN, period_id, plan("Pelayanan prima", iku=period["iku"]["iku_id"]))
        v1 = kadis["rhk"][0]
        kabid = await approved(client, KABID, KADIS, period_id, plan("Layanan tepat waktu", supports=v1["rhk_id"]))
        skp_id = kadis["skp_id"]

        assert (
            await client.put(f"/skp/{skp_id}", json=plan("x", iku=period["iku"]["iku_id"]), headers=as_(KADIS))
        ).status_code == 409  # approved: revise instead
        keep = {
            "rhk_id": v1["rhk_id"],
            "kind": "utama",
            "description": "Pelayanan prima",
            "iku_id": v1["iku_id"],
            "indikator": [{**v1["indikator"][0], "target": 18}],
        }
        keep["indikator"][0].pop("higher_is_better")
        revision = await client.post(
            f"/skp/{skp_id}/revisions",
            headers=as_(KADIS),
            json={"reason": "Target naik setelah APBD Perubahan", "rhk": [keep]},
        )
        assert revision.status_code == 201, revision.text
        pending = revision.json()
        assert (pending["version"], pending["status"], pending["rhk"][0]["indikator"][0]["target"]) == (
            1,
            "approved",
            12,
        )
        assert (pending["revision"]["version"], pending["revision"]["status"]) == (2, "draft")

        # While version 2 is pending, version 1 stays in force for realisation.
        iki_id = v1["indikator"][0]["iki_id"]
        recorded = await client.post(
            f"/skp/{skp_id}/realizations",
            headers=as_(KADIS),
            json={"iki_id": iki_id, "checkpoint_id": "triwulan-2", "value": 6, "evidence": "dok-123"},
        )
        assert recorded.status_code == 201, recorded.text

        await client.post(f"/skp/{skp_id}/submit", headers=as_(KADIS))
        returned = await client.post(
            f"/skp/{skp_id}/return", json={"notes": "Lampirkan dasar"}, headers=as_(ATASAN, "appraiser")
        )
        assert returned.json()["revision"]["notes"] == "Lampirkan dasar" and returned.json()["version"] == 1
        await client.post(f"/skp/{skp_id}/submit", headers=as_(KADIS))
        done = await client.post(f"/skp/{skp_id}/approve", headers=as_(ATASAN, "appraiser"))
        assert done.status_code == 200, done.text
        assert (done.json()["version"], done.json()["revision"], done.json()["rhk"][0]["rhk_id"]) == (
            2,
            None,
            v1["rhk_id"],
        )

        history = (await client.get(f"/skp/{skp_id}/versions", headers=as_(KADIS))).json()["versions"]
        assert [(v["version"], v["status"], v["in_force"]) for v in history] == [
            (1, "approved", False),
            (2, "approved", True),
        ]
        assert history[0]["rhk"][0]["indikator"][0]["target"] == 12 and history[1]["reason"].startswith("Target naik")
        old = (await client.get(f"/skp/{skp_id}/versions/1", headers=as_(ATASAN, "appraiser"))).json()
        assert old["rhk"][0]["indikator"][0]["target"] == 12
        assert (await client.get(f"/skp/{skp_id}/versions/1", headers=as_(SITI))).status_code == 404
        assert (await client.get(f"/skp/{skp_id}/versions/3", headers=as_(KADIS))).status_code == 404
        # The kept RHK keeps its id, so the Kepala Bidang's link still holds.
        tree = (await client.get(f"/iku/{period['iku']['iku_id']}/cascade", headers=as_(KADIS))).json()
        assert tree["rhk"][0]["skp_version"] == 2
        assert [n["rhk_id"] for n in tree["rhk"][0]["supported_by"]] == [kabid["rhk"][0]["rhk_id"]]

        events = await events_of("kinerja.targets", until=lambda types: "TargetRevised" in types)
        [revised] = [e for t, e in events if t == "TargetRevised"]
        assert (revised["skp_id"], revised["version"], revised["previous_version"], revised["approved_by"]) == (
            skp_id,
            2,
            1,
            ATASAN,
        )
        assert revised["reason"] == "Target naik setelah APBD Perubahan"
        assert revised["rhk"][0]["indikator"][0] == {**v1["indikator"][0], "target": 18.0}


async def test_closed_period_refuses_realisation_and_counts_rows(
    target_app,
    running,
    as_,
    events_of,
    organisation,
    approved,
):
    async with running(target_app) as client:
        period = await organisation(client)
        period_id = period["period_id"]
        kadis = await approved(client, KADIS, ATASAN, period_id, plan("Pelayanan prima", iku=period["iku"]["iku_id"]))
        iki_id = kadis["rhk"][0]["indikator"][0]["iki_id"]
        for checkpoint, value in (("triwulan-1", 3), ("triwulan-4", 12)):
            body = {
                "iki_id": iki_id,
                "checkpoint_id": checkpoint,
                "value": value,
                "evidence": "https://arsip.example/1",
            }
            assert (
                await client.post(f"/skp/{kadis['skp_id']}/realizations", json=body, headers=as_(KADIS))
            ).status_code == 201
        assert (await client.post(f"/periods/{period_id}/close", headers=as_(HR, "hr"))).status_code == 200

        refused = await client.post(
            f"/skp/{kadis['skp_id']}/realizations",
            headers=as_(KADIS),
            json={"iki_id": iki_id, "checkpoint_id": "triwulan-4", "value": 13},
        )
        assert refused.status_code == 409 and "closed" in refused.json()["detail"]
        late_iku = await client.post(
            f"/periods/{period_id}/iku",
            headers=as_(HR, "hr"),
            json={"code": "IKU-2", "description": "IKM", "target": 85, "unit": "indeks"},
        )
        assert late_iku.status_code == 409

        periods = await events_of("kinerja.periods", until=lambda types: "PerformancePeriodClosed" in types)
        closed = next(e for t, e in periods if t == "PerformancePeriodClosed")
        targets = await events_of(
            "kinerja.targets", until=lambda types: types.count("EmployeePeriodClosed") >= closed["employee_count"]
        )
        by_nip = {e["nip"]: e for t, e in targets if t == "EmployeePeriodClosed"}
        assert len(by_nip) == closed["employee_count"]
        assert {k: by_nip[KADIS][k] for k in ("skp_id", "skp_version", "realization_count")} == {
            "skp_id": kadis["skp_id"],
            "skp_version": 1,
            "realization_count": 2,
        }
        assert by_nip[SITI]["skp_id"] is None


async def test_link_targets_list_what_the_callers_rhk_may_link_to(target_app, running, as_, organisation, approved):
    async with running(target_app) as client:
        period = await organisation(client)
        period_id, iku = period["period_id"], period["iku"]

        def targets(nip, *roles, period=period_id):
            return client.get("/skp/link-targets", params={"period_id": period}, headers=as_(nip, *roles))

        # The Kepala Dinas heads the agency: the period's IKU, with code and description.
        head = (await targets(KADIS)).json()
        assert head == {
            "period_id": period_id,
            "head_of_agency": True,
            "rhk": [],
            "iku": [{"iku_id": iku["iku_id"], "code": "IKU-1", "description": "Waktu respon pengaduan"}],
        }

        # His appraisees see nothing while his SKP is a draft: a draft's text is his alone.
        extra = {
            "kind": "tambahan",
            "description": "Tersusunnya SOP pengaduan",
            "indikator": [{"aspect": "kuantitas", "description": "Dokumen SOP", "target": 1, "unit": "dokumen"}],
        }
        draft = (
            await client.post(
                "/skp",
                headers=as_(KADIS),
                json={**plan("Pelayanan prima", iku=iku["iku_id"], extra=[extra]), "period_id": period_id},
            )
        ).json()
        assert (await targets(KABID)).json() == {"period_id": period_id, "head_of_agency": False, "iku": [], "rhk": []}
        await client.post(f"/skp/{draft['skp_id']}/submit", headers=as_(KADIS))
        kadis = (await client.post(f"/skp/{draft['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))).json()
        # A pending revision's text stays his too: only the version in force is offered.
        revision = await client.post(
            f"/skp/{kadis['skp_id']}/revisions",
            headers=as_(KADIS),
            json={**plan("Rahasia rancangan baru", iku=iku["iku_id"]), "reason": "Perubahan renstra"},
        )
        assert revision.status_code == 201, revision.text

        # Anyone else: the appraiser's approved RHK in force, RHK tambahan included, and nothing else of it.
        answer = await targets(KABID, "appraiser")
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "period_id": period_id,
            "head_of_agency": False,
            "iku": [],
            "rhk": [{"rhk_id": r["rhk_id"], "kind": r["kind"], "description": r["description"]} for r in kadis["rhk"]],
        }
        assert [r["kind"] for r in answer.json()["rhk"]] == ["utama", "tambahan"]
        assert "Rahasia" not in answer.text and KADIS not in answer.text
        # What is offered is what the service accepts: an RHK may support the appraiser's RHK tambahan.
        tambahan = kadis["rhk"][1]["rhk_id"]
        linked = await client.post(
            "/skp", headers=as_(KABID), json={**plan("Penanganan pengaduan", supports=tambahan), "period_id": period_id}
        )
        assert linked.status_code == 201, linked.text
        # Siti's appraiser has only a draft: nothing yet.
        assert (await targets(SITI)).json()["rhk"] == []

        # Not on the roster (HR here), or no such period: 404 as for anything missing, naming no value.
        missing_employee = await targets(HR, "hr")
        assert missing_employee.status_code == 404
        assert missing_employee.json()["detail"] == "no such employee in this agency"
        missing_period = await targets(SITI, period="no-such-period")
        assert missing_period.status_code == 404 and missing_period.json()["detail"] == "no such period in this agency"
        assert (await client.get("/skp/link-targets", headers=as_(SITI))).status_code == 422  # period_id is required
