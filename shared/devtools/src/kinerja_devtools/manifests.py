"""Writes the deploy manifests derived from code, so they never drift from it:

- deploy/kafka/topics.yaml, Strimzi ``KafkaTopic`` resources from the topic catalogue (what the
  services and the dev broker use);
- deploy/kafka/users.yaml, Strimzi ``KafkaUser`` resources: each service's and each external
  subscriber's ACLs, from the catalogue's audiences and :mod:`kinerja_devtools.kafka_users`;
- deploy/k8s/base/autoscaling.yaml, KEDA ``ScaledObject`` resources per consumer group
  (:mod:`kinerja_devtools.autoscaling`).

``python -m kinerja_devtools.manifests [--check]``. Partition counts are the catalogue's unless
``KINERJA_TOPIC_PARTITIONS`` overrides them for the deployment being generated (e.g.
``KINERJA_TOPIC_PARTITIONS="kinerja.targets=24" python -m kinerja_devtools.manifests``), in the
topics and in the autoscaling bounds alike; the committed files hold the catalogue's counts.
"""

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from kinerja_contracts.catalogue import ALL_TOPICS, topic_partitions

from kinerja_devtools.autoscaling import render_autoscaling
from kinerja_devtools.kafka_users import STRIMZI_API, render_users

TOPICS_FILE = Path("deploy/kafka/topics.yaml")
USERS_FILE = Path("deploy/kafka/users.yaml")
AUTOSCALING_FILE = Path("deploy/k8s/base/autoscaling.yaml")


def render_topics(replicas: int = 3, environ: Mapping[str, str] | None = None) -> str:
    """The manifest; ``environ`` (default: the process environment) may override partitions."""
    partitions = topic_partitions(environ)
    docs = ["# Generated from kinerja_contracts.catalogue by `python -m kinerja_devtools.manifests`; do not edit."]
    for topic in ALL_TOPICS:
        docs.append(
            "---\n"
            f"apiVersion: {STRIMZI_API}\n"
            "kind: KafkaTopic\n"
            "metadata:\n"
            f"  name: {topic.name.replace('.', '-')}\n"
            "  labels:\n"
            "    strimzi.io/cluster: kinerja\n"
            "spec:\n"
            f"  topicName: {topic.name}\n"
            f"  partitions: {partitions[topic.name]}\n"
            f"  replicas: {replicas}\n"
            "  config:\n"
            "    min.insync.replicas: 2\n"
            f"    retention.ms: {topic.retention_ms}\n"
        )
    return "\n".join(docs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args(argv)
    wanted = {TOPICS_FILE: render_topics(), USERS_FILE: render_users(), AUTOSCALING_FILE: render_autoscaling()}
    if args.check:
        stale = [str(f) for f, text in wanted.items() if not f.exists() or f.read_text() != text]
        if stale:
            sys.exit(f"{', '.join(stale)} out of date; run python -m kinerja_devtools.manifests")
        return
    for file, text in wanted.items():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text)
        print(f"wrote {file}")


if __name__ == "__main__":
    main()
