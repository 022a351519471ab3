"""Issue 8 item 1: one peer answers, and no reader — the employee, the appraiser, HR, the
superior deciding an objection, a system reading the events — can recover that answer from
any route of feedback-service or appraisal-service, nor from the events appraisal-service
publishes.

Two employees are set up as twins: the same appraiser, targets, realisation, self and
appraiser answers, and the same one peer (who rates Siti di bawah and Rina di atas on every
value; both end di atas either way). Every route and event is read for both; with the ids,
NIPs and times taken out, what each reader sees of Siti must equal what they see of Rina: the
peer's answer changes nothing anyone can read. On top, no document holds a peer entry, an
answer count under 3 for an anonymous source, or a negative number (the peer's mean for Siti
is -1, the only negative score in play)."""

import json
import re
import zlib
from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import (
    EmployeePeriodClosed,
    EmployeeRegistered,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
)
from kinerja_contracts.target import Checkpoint
from kinerja_contracts.vocabulary import BerakhlakValue

pytestmark = pytest.mark.integration

HR, KADIS, BUDI = "196705051991031001", "198708082013121002", "197701012006011001"
SITI, RINA, ANI = "198403122011012002", "199102022016012003", "199101012016012001"
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"
TWINS = (SITI, RINA)
PEER_SAYS = {SITI: BAWAH, RINA: ATAS}
# Kadis appraises Budi, so Kadis decides objections to Budi's results; Budi appraises the twins.
ROSTER = [(KADIS, None), (BUDI, KADIS), (SITI, BUDI), (RINA, BUDI), (ANI, BUDI)]


@pytest.fixture
def apps(broker, postgres_url_factory, feedback_app, request):
    """feedback-service and appraisal-service, each on its own fresh database."""
    from appraisal_service.main import create_app
    from appraisal_service.settings import AppraisalSettings

    feedback_url = postgres_url_factory(f"{request.node.name}_feedback")
    appraisal_url = postgres_url_factory(f"{request.node.name}_appraisal")
    appraisal = create_app(
        AppraisalSettings(
            database_url=appraisal_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"appraisal-service-{zlib.crc32(appraisal_url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            appraisal_settle_seconds=0.2,
            appraisal_max_wait_seconds=60,
            log_json=False,
            log_level="WARNING",
        )
    )
    return feedback_app(feedback_url), appraisal


async def publish_year(publish_event, agency: str, period_id: str) -> None:
    for nip, appraiser in ROSTER:
        await publish_event(
            EmployeeRegistered(
                agency_id=agency,
                nip=nip,
                name=f"Pegawai {nip[-4:]}",
                position="Analis",
                unit="Bidang Pelayanan",
                appraiser_nip=appraiser,
            )
        )
    await publish_event(
        PerformancePeriodOpened(
            agency_id=agency,
            period_id=period_id,
            year=2025,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
            checkpoints=[
                Checkpoint(
                    checkpoint_id="tw1", name="Triwulan I", starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 31)
                )
            ],
        )
    )
    for nip in TWINS:
        await publish_event(
            TargetSet(
                agency_id=agency,
                period_id=period_id,
                nip=nip,
                skp_id=f"skp-{agency}-{nip}",
                version=1,
                approved_by=BUDI,
                rhk=[
                    {
                        "rhk_id": "rhk-1",
                        "kind": "utama",
                        "description": "Pengaduan terselesaikan",
                        "indikator": [
                            {
                                "iki_id": "iki-1",
                                "aspect": "kuantitas",
                                "description": "Pengaduan diselesaikan",
                                "target": 100,
                                "unit": "pengaduan",
                                "higher_is_better": True,
                            }
                        ],
                    }
                ],
            )
        )
        await publish_event(
            RealizationRecorded(
                agency_id=agency,
                period_id=period_id,
                nip=nip,
                skp_id=f"skp-{agency}-{nip}",
                iki_id="iki-1",
                realization_id=f"skp-{agency}-{nip}-tw1",
                value=100.0,
                recorded_at=datetime(2025, 3, 15, tzinfo=UTC),
                checkpoint_id="tw1",
            )
        )


def answers(level: str) -> dict:
    return {"ratings": {v.value: level for v in BerakhlakValue}}


async def test_one_peer_s_answer_cannot_be_recovered_by_any_reader_from_any_route(
    apps,
    running,
    agency,
    as_,
    publish_event,
    eventually,
    read_topic,
):
    feedback_app, appraisal_app = apps
    period_id = f"{agency}-2025"
    hr, budi, kadis = as_(HR, "hr"), as_(BUDI, "appraiser"), as_(KADIS, "appraiser")
    readers = {"employee": None, "appraiser": budi, "hr": hr, "superior": kadis}
    async with running(feedback_app) as feedback, running(appraisal_app) as appraisal:
        await publish_year(publish_event, agency, period_id)

        async def roster_known():
            for nip in TWINS:
                r = await feedback.get(f"/employees/{nip}/feedback", params={"period_id": period_id}, headers=hr)
                assert r.status_code == 200, r.text
                r = await appraisal.get(f"/periods/{period_id}/employees/{nip}/inputs", headers=hr)
                assert r.status_code == 200 and r.json()["realizations"] == 1, r.text

        await eventually(roster_known, timeout=90, interval=0.3, what="both services know the roster and SKPs")

        # One round per twin: the appraiser, the employee (self) and one peer, Ani.
        rounds = {}
        for nip in TWINS:
            opened = await feedback.post(
                "/feedback-rounds",
                headers=budi,
                json={
                    "nip": nip,
                    "period_id": period_id,
                    "checkpoint_id": "tw1",
                    "givers": [
                        {"nip": BUDI, "source": "appraiser"},
                        {"nip": nip, "source": "self"},
                        {"nip": ANI, "source": "peer"},
                    ],
                },
            )
            assert opened.status_code == 201, opened.text
            rounds[nip] = opened.json()["round_id"]
            url = f"/feedback-rounds/{rounds[nip]}/answer"
            for giver, level in ((BUDI, ATAS), (nip, SESUAI), (ANI, PEER_SAYS[nip])):
                answered = await feedback.put(url, json=answers(level), headers=as_(giver))
                assert answered.status_code == 201, answered.text
            closed = await feedback.post(f"/feedback-rounds/{rounds[nip]}/close", headers=budi)
            assert closed.status_code == 200, closed.text

        async def feedback_arrived():
            for nip in TWINS:
                r = await appraisal.get(f"/periods/{period_id}/employees/{nip}/inputs", headers=hr)
                assert r.json()["feedback_forms"] == 3, r.text

        await eventually(feedback_arrived, timeout=60, interval=0.3, what="the answers reached appraisal-service")

        # A periodic appraisal (HR), the annual one at the close, both confirmed; an objection
        # to each annual result, changed by the superior.
        documents: dict[str, list] = {nip: [] for nip in TWINS}

        def keep(label, response, expected=200):
            assert response.status_code == expected, (label, response.text)
            body = response.json()
            for nip in TWINS:
                documents[nip].append((label, _only(body, nip)))
            return body

        periodic = keep(
            "propose periodic", await appraisal.post(f"/periods/{period_id}/checkpoints/tw1/appraisals", headers=hr)
        )
        closed_at = datetime.now(UTC)
        for nip in TWINS:
            await publish_event(
                EmployeePeriodClosed(
                    agency_id=agency,
                    period_id=period_id,
                    year=2025,
                    nip=nip,
                    closed_at=closed_at,
                    skp_id=f"skp-{agency}-{nip}",
                    skp_version=1,
                    realization_count=1,
                )
            )

        async def annual_proposed():
            listed = (await appraisal.get(f"/periods/{period_id}/appraisals", headers=hr)).json()["appraisals"]
            assert len(listed) == 2, listed

        await eventually(annual_proposed, timeout=60, interval=0.3, what="annual proposals after the close")
        ids = {nip: {} for nip in TWINS}
        assert periodic["proposed_count"] == 2, periodic
        proposed = (
            await appraisal.get(
                f"/periods/{period_id}/appraisals", headers=hr, params={"kind": "periodic", "checkpoint_id": "tw1"}
            )
        ).json()["appraisals"]
        for item in proposed:
            ids[item["nip"]]["periodic"] = item["appraisal_id"]
        for nip in TWINS:
            current = (await appraisal.get(f"/periods/{period_id}/employees/{nip}/appraisal", headers=hr)).json()
            ids[nip]["annual"] = current["appraisal_id"]
            assert current["proposed"]["rating_perilaku"] == ATAS, "the twins' ratings are the same"
            for kind in ("periodic", "annual"):
                confirmed = await appraisal.post(f"/appraisals/{ids[nip][kind]}/confirm", json={}, headers=budi)
                documents[nip].append((f"confirm {kind}", confirmed.json()))
            filed = await appraisal.post(
                f"/appraisals/{ids[nip]['annual']}/objections",
                headers=as_(nip),
                json={"reasons": "Mohon ditinjau ulang."},
            )
            assert filed.status_code == 201, filed.text
            documents[nip].append(("objection filed", filed.json()))
            ids[nip]["objection"] = filed.json()["objection_id"]
            decided = await appraisal.post(
                f"/objections/{ids[nip]['objection']}/decision",
                headers=kadis,
                json={"outcome": "changed", "reason": "Bukti diterima.", "rating_hasil_kerja": ATAS},
            )
            assert decided.status_code == 200, decided.text
            documents[nip].append(("objection decided", decided.json()))
            ids[nip]["revised"] = decided.json()["revised_appraisal_id"]

        # Every route, as every reader allowed on it.
        for role, headers in readers.items():
            for nip in TWINS:
                who = headers or as_(nip)
                routes = [
                    ("feedback", f"/employees/{nip}/feedback", {"period_id": period_id}),
                    ("feedback", f"/feedback-rounds/{rounds[nip]}/results", None),
                    ("feedback", f"/feedback-rounds/{rounds[nip]}", None),
                    ("appraisal", f"/periods/{period_id}/employees/{nip}/appraisal", None),
                    ("appraisal", f"/periods/{period_id}/employees/{nip}/appraisal", {"checkpoint_id": "tw1"}),
                    *(
                        ("appraisal", f"/appraisals/{ids[nip][kind]}", None)
                        for kind in ("periodic", "annual", "revised")
                    ),
                    ("appraisal", f"/objections/{ids[nip]['objection']}", None),
                    ("appraisal", f"/periods/{period_id}/employees/{nip}/inputs", None),
                ]
                for service, path, params in routes:
                    client = feedback if service == "feedback" else appraisal
                    response = await client.get(path, params=params, headers=who)
                    if response.status_code == 200:
                        documents[nip].append((f"{role} GET {_generic(path)} {params}", response.json()))
                    else:  # a route this reader may not use: refused like a missing object, nothing more
                        assert response.status_code in (403, 404), (role, path, response.text)
                        assert not {"peer", "evidence", "answers"} & set(re.findall(r"\w+", response.text))
            for path in (
                "/me/appraisals",
                "/objections",
                f"/periods/{period_id}/appraisals",
                f"/periods/{period_id}/distribution",
            ):
                for kind in ("annual", "periodic"):
                    params = {"period_id": period_id, "kind": kind}
                    for nip in TWINS:
                        response = await appraisal.get(path, params=params, headers=headers or as_(nip))
                        if response.status_code == 200:
                            documents[nip].append((f"{role} GET {path} {kind}", _only(response.json(), nip)))

        events = await read_topic(
            "kinerja.appraisals",
            until=lambda rs: len(rs) >= 6,
            timeout=30,
            where=lambda r: r.headers.get("ce_agency") == agency,
        )
        for record in events:
            data = json.loads(record.value)
            documents[data["nip"]].append((record.headers["ce_type"], data))

    kinds = {label for label, _ in documents[SITI]}
    assert {"kinerja.appraisal.AppraisalCompleted.v1", "kinerja.appraisal.AppraisalRevised.v1"} <= kinds
    assert any(label.startswith("superior GET") for label in kinds), "the superior read the appraisal"
    assert len(documents[SITI]) == len(documents[RINA]) > 40

    for nip in TWINS:
        for label, document in documents[nip]:
            for entry in _dicts(document):
                assert entry.get("source") not in ("peer", "subordinate"), (label, entry)
                if entry.get("source") == "colleagues":
                    assert entry["answers"] >= 3, (label, entry)
            summary = document.get("summary") if isinstance(document, dict) else None
            if summary:
                assert summary["perilaku"] == [] and len(summary["perilaku_withheld"]) == 7, (label, summary)
            if isinstance(document, dict) and "explanation" in document:
                perilaku = document["explanation"]["perilaku"]
                assert (perilaku["score"], perilaku["values_below"]) == (None, None), label
                assert all(
                    set(v) == {"value", "withheld", "evidence"} and v["evidence"] == [] for v in perilaku["values"]
                ), (label, perilaku)
    assert not [(label, n) for label, document in documents[SITI] for n in _numbers(document) if n < 0], (
        "the peer's mean (-1) is nowhere"
    )

    # The peer's answer changes nothing a reader can see.
    for (label, siti), (label_rina, rina) in zip(documents[SITI], documents[RINA], strict=True):
        assert label == label_rina
        assert _neutral(siti, SITI) == _neutral(rina, RINA), label


def _only(body, nip):
    """A list route's items of one employee (the twins are on the same lists)."""
    if isinstance(body, dict):
        for key in ("appraisals", "objections", "proposed", "existing"):
            if isinstance(body.get(key), list):
                body = {**body, key: [item for item in body[key] if item.get("nip") == nip]}
    return body


def _generic(path: str) -> str:
    return re.sub(r"[0-9a-f-]{36}|\d{18}", "<id>", path)


_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMES = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def _neutral(document, nip: str) -> str:
    text = json.dumps(document, sort_keys=True).replace(nip, "<nip>")
    return _TIMES.sub("<time>", _IDS.sub("<id>", text))


def _dicts(document):
    if isinstance(document, dict):
        yield document
        for value in document.values():
            yield from _dicts(value)
    elif isinstance(document, list):
        for value in document:
            yield from _dicts(value)


def _numbers(document):
    if isinstance(document, bool):
        return
    if isinstance(document, int | float):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from _numbers(value)
    elif isinstance(document, list):
        for value in document:
            yield from _numbers(value)
