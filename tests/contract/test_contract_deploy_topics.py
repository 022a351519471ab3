"""The production topic manifest is generated from the catalogue and must not drift from it."""

from pathlib import Path

from kinerja_devtools.manifests import render_topics

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_topics_match_the_catalogue():
    committed = (ROOT / "deploy" / "kafka" / "topics.yaml").read_text()
    assert committed == render_topics(environ={}), "run: python -m kinerja_devtools.manifests"


def test_a_deployment_overrides_partitions_in_its_manifest():
    manifest = render_topics(environ={"KINERJA_TOPIC_PARTITIONS": "kinerja.targets=24"})
    targets = manifest.split("topicName: kinerja.targets\n", 1)[1]
    assert targets.startswith("  partitions: 24\n")
    assert "  partitions: 12\n" in manifest.split("topicName: kinerja.targets", 1)[0]


def test_topics_and_users_are_on_the_current_strimzi_api():
    """kafka.strimzi.io/v1: Strimzi 1.0 serves nothing older."""
    for name in ("topics.yaml", "users.yaml"):
        versions = {
            line.split(": ", 1)[1]
            for line in (ROOT / "deploy" / "kafka" / name).read_text().splitlines()
            if line.startswith("apiVersion:")
        }
        assert versions == {"kafka.strimzi.io/v1"}, name
