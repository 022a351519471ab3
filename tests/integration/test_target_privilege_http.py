"""Least privilege in target-service over HTTP (issue 8): the cascade shows each reader their own
reporting line (drafts only to owner, appraiser and HR); an appraiser reads the team they
appraise now and their own record, not the agency's roster, and loses it when someone moves on;
a refused read answers exactly like a missing object and no refusal names a NIP or an id; inputs
that gave 500 (a period to 9999-12-31, a CSV with a bare CR or a NUL, a huge offset) are 422s."""

import json
import uuid

import pytest

pytestmark = pytest.mark.integration

HR, ATASAN = "196805051990031001", "196505051990031002"  # ATASAN (Sekda) is not on the agency's roster
KADIS, KABID, KABID_2 = "197001011995031001", "197801012005011001", "197902022006041002"
SITI, ANI, DEDI = "198503122010012002", "199001012015012001", "199202022016021002"
STRANGER = "198808082012121002"  # on no roster

UNITS = [
    {"unit_id": "dinas", "name": "Dinas Kependudukan", "head_nip": KADIS},
    {"unit_id": "pelayanan", "name": "Bidang Pelayanan", "parent_unit_id": "dinas", "head_nip": KABID},
    {"unit_id": "pengaduan", "name": "Bidang Pengaduan", "parent_unit_id": "dinas", "head_nip": KABID_2},
]
ROSTER = (
    "nip,name,position,unit,unit_id,appraiser_nip\n"
    f"{KADIS},Hadi Kusuma,Kepala Dinas,,dinas,{ATASAN}\n"
    f"{KABID},Budi Santoso,Kepala Bidang Pelayanan,,pelayanan,{KADIS}\n"
    f"{KABID_2},Rina Wati,Kepala Bidang Pengaduan,,pengaduan,{KADIS}\n"
    f"{SITI},Siti Rahayu,Analis Pelayanan,,pelayanan,{KABID}\n"
    f"{ANI},Ani Lestari,Pranata Komputer,,pelayanan,{KABID}\n"
    f"{DEDI},Dedi Kurniawan,Analis Pengaduan,,pengaduan,{KABID_2}\n"
)
NAMES = {
    KADIS: "Hadi Kusuma",
    KABID: "Budi Santoso",
    KABID_2: "Rina Wati",
    SITI: "Siti Rahayu",
    ANI: "Ani Lestari",
    DEDI: "Dedi Kurniawan",
}


def plan(description, *, supports=None, iku=None):
    return {
        "rhk": [
            {
                "kind": "utama",
                "description": description,
                "supports_rhk_id": supports,
                "iku_id": iku,
                "indikator": [
                    {"aspect": "kuantitas", "description": f"Keluaran: {description}", "target": 12, "unit": "dokumen"}
                ],
            }
        ]
    }


def hides(response, *values: str) -> None:
    """A refusal names the rule, never a person's NIP or an object's id (issue 8, item 6)."""
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert set(problem) <= {"type", "title", "status", "detail", "instance"}, problem
    for value in values:
        assert value not in problem["detail"], (value, problem["detail"])


@pytest.fixture
def agency_year(as_):
    """``await agency_year(client)`` -> {period_id, iku_id, skp: {nip: skp}}: the roster above, a
    period and its IKU; every SKP approved except Ani's, which is still a draft."""

    async def build(client) -> dict:
        hr = as_(HR, "hr")
        for unit in UNITS:
            assert (await client.post("/units", json=unit, headers=hr)).status_code == 201
        report = await client.post("/employees/import", content=ROSTER, headers={**hr, "Content-Type": "text/csv"})
        assert report.json()["registered"] == 6 and report.json()["errors"] == [], report.text
        period_id = (await client.post("/periods", json={"year": 2025}, headers=hr)).json()["period_id"]
        iku = (
            await client.post(
                f"/periods/{period_id}/iku",
                headers=hr,
                json={
                    "code": "IKU-1",
                    "description": "Waktu respon pengaduan",
                    "target": 14,
                    "unit": "hari",
                    "higher_is_better": False,
                },
            )
        ).json()
        skp: dict[str, dict] = {}

        async def approve(nip, appraiser, body):
            created = await client.post("/skp", json={**body, "period_id": period_id}, headers=as_(nip))
            assert created.status_code == 201, created.text
            assert (await client.post(f"/skp/{created.json()['skp_id']}/submit", headers=as_(nip))).status_code == 200
            done = await client.post(f"/skp/{created.json()['skp_id']}/approve", headers=as_(appraiser, "appraiser"))
            assert done.status_code == 200, done.text
            skp[nip] = done.json()
            return done.json()["rhk"][0]["rhk_id"]

        kadis = await approve(KADIS, ATASAN, plan("Pelayanan prima", iku=iku["iku_id"]))
        kabid = await approve(KABID, KADIS, plan("Layanan adminduk tepat waktu", supports=kadis))
        rina = await approve(KABID_2, KADIS, plan("Pengaduan tuntas", supports=kadis))
        await approve(SITI, KABID, plan("KTP-el terbit", supports=kabid))
        await approve(DEDI, KABID_2, plan("Pengaduan dijawab", supports=rina))
        draft = await client.post(
            "/skp", json={**plan("Draf rahasia Ani", supports=kabid), "period_id": period_id}, headers=as_(ANI)
        )
        assert draft.status_code == 201, draft.text
        skp[ANI] = draft.json()
        return {"period_id": period_id, "iku_id": iku["iku_id"], "skp": skp}

    return build


def flatten(tree: dict) -> list[tuple[str, str, str]]:
    """(nip, description, skp_status) of every node of a cascade answer."""
    found = []

    def walk(nodes):
        for n in nodes:
            found.append((n["nip"], n["description"], n["skp_status"]))
            walk(n["supported_by"])

    walk(tree["rhk"])
    return found


async def test_the_cascade_shows_each_reader_their_own_line_and_drafts_only_to_owner_appraiser_and_hr(
    target_app,
    running,
    as_,
    agency_year,
):
    async with running(target_app) as client:
        year = await agency_year(client)

        async def seen(nip, *roles):
            response = await client.get(f"/iku/{year['iku_id']}/cascade", headers=as_(nip, *roles))
            assert response.status_code == 200, response.text
            return response

        # Siti: her appraiser and his, herself; not Rina beside Budi, not Dedi, not Ani's draft.
        siti = await seen(SITI)
        assert flatten(siti.json()) == [
            (KADIS, "Pelayanan prima", "approved"),
            (KABID, "Layanan adminduk tepat waktu", "approved"),
            (SITI, "KTP-el terbit", "approved"),
        ]
        for hidden in (
            KABID_2,
            DEDI,
            ANI,
            NAMES[KABID_2],
            NAMES[DEDI],
            NAMES[ANI],
            "Draf rahasia Ani",
            "Pengaduan tuntas",
        ):
            assert hidden not in siti.text

        # Ani sees her own draft in her line; Budi, her appraiser, sees it too; Hadi above him does not.
        assert flatten((await seen(ANI)).json()) == [
            (KADIS, "Pelayanan prima", "approved"),
            (KABID, "Layanan adminduk tepat waktu", "approved"),
            (ANI, "Draf rahasia Ani", "draft"),
        ]
        assert sorted(flatten((await seen(KABID, "appraiser")).json())) == sorted(
            [
                (KADIS, "Pelayanan prima", "approved"),
                (KABID, "Layanan adminduk tepat waktu", "approved"),
                (SITI, "KTP-el terbit", "approved"),
                (ANI, "Draf rahasia Ani", "draft"),
            ]
        )
        kadis = await seen(KADIS, "appraiser")
        assert {nip for nip, _, _ in flatten(kadis.json())} == {KADIS, KABID, KABID_2, SITI, DEDI}
        assert "Draf rahasia Ani" not in kadis.text

        # HR sees every plan, drafts included; someone on no roster sees only the IKU.
        assert {(nip, status) for nip, _, status in flatten((await seen(HR, "hr")).json())} == {
            (KADIS, "approved"),
            (KABID, "approved"),
            (KABID_2, "approved"),
            (SITI, "approved"),
            (DEDI, "approved"),
            (ANI, "draft"),
        }
        outsider = (await seen(STRANGER)).json()
        assert (outsider["code"], outsider["rhk"]) == ("IKU-1", [])

        missing = await client.get("/iku/no-such-iku/cascade", headers=as_(SITI))
        assert missing.status_code == 404
        hides(missing, "no-such-iku")


async def test_an_appraiser_reads_the_team_they_appraise_now_and_their_own_record_only(
    target_app,
    running,
    as_,
    auth_headers,
    agency_year,
):
    async with running(target_app) as client:
        year = await agency_year(client)
        budi, rina, hr = as_(KABID, "appraiser"), as_(KABID_2, "appraiser"), as_(HR, "hr")

        team = (await client.get("/employees", headers=budi)).json()
        assert (team["total"], [e["nip"] for e in team["items"]]) == (2, sorted([SITI, ANI]))
        others = (await client.get("/employees", params={"appraiser_nip": KABID_2}, headers=budi)).json()
        assert (others["total"], others["items"]) == (0, [])
        everyone = (await client.get("/employees", params={"limit": 500}, headers=hr)).json()
        assert everyone["total"] == 6
        assert (await client.get("/employees", params={"appraiser_nip": KABID_2}, headers=hr)).json()["total"] == 1

        # A record the caller may not read answers exactly as a NIP on no roster does.
        nobody = await client.get(f"/employees/{STRANGER}", headers=budi)
        assert nobody.status_code == 404
        dedi_skp = year["skp"][DEDI]["skp_id"]
        no_skp = await client.get(f"/skp/{uuid.uuid4()}", headers=budi)
        for refused, like in (
            (await client.get(f"/employees/{DEDI}", headers=budi), nobody),
            (await client.get(f"/employees/{KADIS}", headers=budi), nobody),  # his own appraiser's record
            (await client.get(f"/employees/{DEDI}/skp", headers=budi), nobody),
            (await client.get(f"/employees/{SITI}", headers=as_(ANI)), nobody),  # a colleague
            (await client.get(f"/skp/{dedi_skp}", headers=budi), no_skp),
            (await client.get(f"/skp/{dedi_skp}/versions", headers=budi), no_skp),
            (await client.get(f"/skp/{dedi_skp}/versions/1", headers=budi), no_skp),
            (await client.get(f"/skp/{dedi_skp}/feedback", headers=budi), no_skp),
            (await client.post(f"/skp/{dedi_skp}/return", json={"notes": "x"}, headers=budi), no_skp),
            (
                await client.post(
                    f"/skp/{dedi_skp}/realizations",
                    headers=budi,
                    json={"iki_id": "x", "value": 1, "checkpoint_id": "triwulan-1"},
                ),
                no_skp,
            ),
        ):
            assert refused.status_code == like.status_code == 404, refused.text
            assert (refused.json()["title"], refused.json()["detail"]) == (like.json()["title"], like.json()["detail"])
            hides(refused, DEDI, KADIS, SITI, dedi_skp)
        assert (await client.get(f"/employees/{KABID}", headers=budi)).json()["name"] == NAMES[KABID]
        assert (await client.get(f"/employees/{SITI}", headers=budi)).json()["name"] == NAMES[SITI]
        assert (await client.get(f"/employees/{DEDI}", headers=hr)).status_code == 200
        other_hr = await client.get(f"/employees/{SITI}", headers=auth_headers(HR, "another-agency", ["hr"]))
        assert other_hr.status_code == 404 and other_hr.json()["detail"] == nobody.json()["detail"]

        # Siti moves to Rina's unit: Budi's access to her ends with it, her SKP of this year included.
        siti_skp = year["skp"][SITI]["skp_id"]
        assert (await client.get(f"/skp/{siti_skp}", headers=budi)).status_code == 200
        moved = await client.post(
            f"/employees/{SITI}/transfer", headers=hr, json={"unit_id": "pengaduan", "effective_on": "2025-07-01"}
        )
        assert moved.status_code == 200 and moved.json()["appraiser_nip"] == KABID_2
        assert [e["nip"] for e in (await client.get("/employees", headers=budi)).json()["items"]] == [ANI]
        for path in (f"/employees/{SITI}", f"/employees/{SITI}/skp", f"/skp/{siti_skp}", f"/skp/{siti_skp}/versions"):
            gone = await client.get(path, headers=budi)
            assert gone.status_code == 404, (path, gone.text)
            hides(gone, SITI, siti_skp)
        assert SITI not in json.dumps(
            (await client.get("/me/team/skp", params={"period_id": year["period_id"]}, headers=budi)).json()
        )
        assert (await client.get(f"/skp/{siti_skp}", headers=rina)).json()["nip"] == SITI
        assert [s["skp_id"] for s in (await client.get(f"/employees/{SITI}/skp", headers=rina)).json()["items"]] == [
            siti_skp
        ]


async def test_refusals_of_changes_name_the_rule_not_the_people(target_app, running, as_, agency_year):
    async with running(target_app) as client:
        year = await agency_year(client)
        ani_skp = year["skp"][ANI]["skp_id"]
        # Budi may read Ani's SKP (he appraises her) but not edit it; Ani may not approve her own.
        for refused in (
            await client.put(f"/skp/{ani_skp}", json=plan("x"), headers=as_(KABID, "appraiser")),
            await client.post(f"/skp/{ani_skp}/approve", headers=as_(ANI)),
        ):
            assert refused.status_code == 403, refused.text
            hides(refused, ANI, KABID, ani_skp)
        # A link to something that is not an approved RHK of the appraiser's never tells whether it
        # is one of the appraiser's drafts: Budi drafts a revision with a new RHK, and Ani's link to
        # it is refused exactly like a link to nothing.
        kabid = year["skp"][KABID]
        kept = kabid["rhk"][0]
        revision = await client.post(
            f"/skp/{kabid['skp_id']}/revisions",
            headers=as_(KABID),
            json={
                "reason": "Tambahan tugas",
                "rhk": [
                    {
                        "rhk_id": kept["rhk_id"],
                        "kind": "utama",
                        "description": kept["description"],
                        "supports_rhk_id": kept["supports_rhk_id"],
                        "indikator": [{k: v for k, v in kept["indikator"][0].items() if k != "higher_is_better"}],
                    },
                    {**plan("Rencana baru Budi", supports=kept["supports_rhk_id"])["rhk"][0]},
                ],
            },
        )
        assert revision.status_code == 201, revision.text
        budi_draft = revision.json()["revision"]["rhk"][1]["rhk_id"]
        for supports in (budi_draft, "no-such-rhk"):
            dangling = await client.put(f"/skp/{ani_skp}", json=plan("y", supports=supports), headers=as_(ANI))
            assert dangling.status_code == 422
            assert "does not exist in the appraiser's approved SKP" in dangling.json()["detail"]
            assert KABID not in dangling.json()["detail"] and supports not in dangling.json()["detail"]
        taken = await client.post(
            "/skp", headers=as_(SITI), json={**plan("z", supports=kept["rhk_id"]), "period_id": year["period_id"]}
        )
        assert taken.status_code == 409
        hides(taken, SITI, year["period_id"])


async def test_inputs_that_gave_500_are_422_naming_the_field(target_app, running, as_, agency, sql, database_url):
    hr = as_(HR, "hr")
    async with running(target_app) as client:
        for body, field in (
            ({"year": 2025, "ends_on": "9999-12-31", "checkpoint_months": 1}, "ends_on"),  # monthly into year 10000
            ({"year": 2025, "starts_on": "2024-07-01"}, "starts_on"),
            ({"year": 2025, "ends_on": "2026-06-30", "checkpoint_months": 6}, "ends_on"),
            (
                {"year": 2025, "checkpoints": [{"name": "Akhir", "starts_on": "2025-07-01", "ends_on": "2026-01-31"}]},
                "checkpoints.0.ends_on",
            ),
        ):
            refused = await client.post("/periods", json=body, headers=hr)
            assert refused.status_code == 422, (body, refused.text)
            assert refused.json()["field"] == field and field in refused.json()["detail"]
        assert (
            await client.post("/periods", json={"year": 2025, "ends_on": "10000-01-01"}, headers=hr)
        ).status_code == 422
        opened = await client.post(
            "/periods", json={"year": 2025, "starts_on": "2025-02-01", "checkpoint_months": 1}, headers=hr
        )
        assert opened.status_code == 201 and len(opened.json()["checkpoints"]) == 11

        csv = {**hr, "Content-Type": "text/csv"}
        # Old spreadsheet exports end lines with a bare CR: read as line breaks.
        bare_cr = f"nip,name,position,unit\r{SITI},Siti Rahayu,Analis,Bidang Pelayanan\r{ANI},Ani,Staf,Sekretariat\r"
        report = await client.post("/employees/import", content=bare_cr, headers=csv)
        assert report.status_code == 200, report.text
        assert (report.json()["registered"], report.json()["errors"]) == (2, [])
        # A NUL anywhere refuses the file, naming line and field; nothing of it is stored.
        nul = f"nip,name,position,unit\n{KABID},Budi,Kepala Bidang,Pelayanan\n{DEDI},De\x00di,Analis,Pengaduan\n"
        refused = await client.post("/employees/import", content=nul, headers=csv)
        assert refused.status_code == 422, refused.text
        assert (refused.json()["line"], refused.json()["field"]) == (3, "name")
        assert refused.json()["detail"].startswith("line 3, name: must not contain the NUL character")
        stored = await sql(database_url, "SELECT nip FROM employees WHERE agency_id = :a ORDER BY nip", a=agency)
        assert [r["nip"] for r in stored] == sorted([SITI, ANI])
        in_json = await client.post(
            "/employees",
            headers=hr,
            json={"employees": [{"nip": KABID, "name": "Bu\x00di", "position": "Kepala Bidang", "unit": "Pelayanan"}]},
        )
        assert in_json.status_code == 422 and in_json.json()["errors"][0]["field"] == "employees.0.name"

        for path in ("/employees", "/transfer-requests"):
            huge = await client.get(path, params={"offset": 10**20}, headers=hr)
            assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "query.offset", huge.text
