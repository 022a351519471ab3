"""Appraisals stored before the anonymity rule held every source's mean and answer count: the
migration redoes their evidence by the rule, so nothing stored can show one peer's answer."""

import asyncio
import importlib
import json
from pathlib import Path

import pytest
from alembic import command
from kinerja_contracts.vocabulary import BerakhlakValue
from kinerja_runtime.migrations import alembic_config, upgrade_to_head

pytestmark = pytest.mark.integration

BEFORE_THE_RULE = "0009"


def stored(peer_answers: int) -> tuple[str, str]:
    """An appraisal's explanation and summary as proposals were stored before the rule."""
    values = [
        {
            "value": v.value,
            "level": "sesuai_ekspektasi",
            "score": 0.2857,
            "answers": peer_answers + 1,
            "evidence": [
                {"source": "appraiser", "answers": 1, "mean": 0.0, "weight": 0.5},
                {"source": "peer", "answers": peer_answers, "mean": 1.0, "weight": 0.2},
            ],
        }
        for v in BerakhlakValue
    ]
    explanation = {
        "policy": {"version": "default-2026.1"},
        "perilaku": {"score": 0.2857, "values_below": 0, "values": values},
    }
    summary = {
        "indikator": [],
        "average_capaian_utama": 100.0,
        "feedback_answers": peer_answers + 1,
        "perilaku": [
            {"value": v.value, "level": "sesuai_ekspektasi", "answers": peer_answers + 1} for v in BerakhlakValue
        ],
    }
    return json.dumps(explanation), json.dumps(summary)


async def test_the_migration_withholds_stored_evidence_of_fewer_than_three_peers(postgres_url_factory, sql):
    url = postgres_url_factory("anonymity-migration")
    migrations = Path(importlib.import_module("appraisal_service.main").__file__).parent / "migrations"
    await asyncio.to_thread(command.upgrade, alembic_config(migrations, url), BEFORE_THE_RULE)
    for appraisal_id, peers in (("one-peer", 1), ("three-peers", 3)):
        explanation, summary = stored(peers)
        await sql(
            url,
            "INSERT INTO appraisals (appraisal_id, agency_id, period_id, nip, kind, scope, revision, status, "
            "proposed_rating_hasil_kerja, proposed_rating_perilaku, proposed_predikat, proposed_at, "
            "policy_version, summary, explanation) VALUES (:id, 'a', 'p', :nip, 'annual', 'annual', 1, "
            "'proposed', 'sesuai_ekspektasi', 'sesuai_ekspektasi', 'baik', now(), 'default-2026.1', "
            "CAST(:summary AS JSON), CAST(:explanation AS JSON))",
            id=appraisal_id,
            nip=f"19850312201001{peers:04d}",
            summary=summary,
            explanation=explanation,
        )

    await sql(
        url,
        "INSERT INTO feedback_answers (feedback_id, agency_id, period_id, nip, source, ratings) "
        "VALUES ('fb-1', 'a', 'p', '198503122010010001', 'peer', CAST('{}' AS JSON))",
    )

    await asyncio.to_thread(upgrade_to_head, migrations, url)

    # An answer projected before rounds were kept counts as a round of its own: never shown alone.
    assert await sql(url, "SELECT round_id FROM feedback_answers") == [{"round_id": "legacy:fb-1"}]

    rows = {
        r["appraisal_id"]: (json.loads(r["explanation"]), json.loads(r["summary"]))
        for r in await sql(
            url,
            "SELECT appraisal_id, CAST(explanation AS TEXT) AS explanation, CAST(summary AS TEXT) AS summary "
            "FROM appraisals",
        )
    }
    explanation, summary = rows["one-peer"]
    assert summary["perilaku"] == [] and summary["perilaku_withheld"] == [v.value for v in BerakhlakValue]
    assert explanation["perilaku"]["score"] is None
    assert all(v["evidence"] == [] and "level" not in v for v in explanation["perilaku"]["values"])
    assert explanation["policy"] == {"version": "default-2026.1"}
    explanation, summary = rows["three-peers"]
    assert json.dumps(explanation) == stored(3)[0], "three peers were shown and still are"
    assert summary == {**json.loads(stored(3)[1]), "perilaku_withheld": []}
