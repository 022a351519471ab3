"""The production topic manifest is generated from the catalogue and must not drift from it."""

from pathlib import Path

from kinerja_devtools.manifests import render_topics

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_topics_match_the_catalogue():
    committed = (ROOT / "deploy" / "kafka" / "topics.yaml").read_text()
    assert committed == render_topics(), "run: python -m kinerja_devtools.manifests"
