"""The kustomization renderer the manifest tests stand on (kinerja_devtools.kustomize): it merges
patches as Kubernetes' strategic merge does for the fields it knows, and refuses what it does not
model rather than render it differently from `kubectl kustomize`."""

from pathlib import Path

import pytest
import yaml
from kinerja_devtools.kustomize import NotModelled, build

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "kinerja/web:0.1.0",
                        "args": ["serve", "--quiet"],
                        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                    },
                    {"name": "sidecar", "image": "busybox:1.36"},
                ],
                "volumes": [{"name": "tmp", "emptyDir": {}}],
            },
        },
    },
}
TOPIC = {
    "apiVersion": "kafka.strimzi.io/v1",
    "kind": "KafkaTopic",
    "metadata": {"name": "t"},
    "spec": {"replicas": 3, "config": {"min.insync.replicas": 2, "retention.ms": 1}},
}


def kustomization(folder: Path, resources: list[dict], **spec) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "resources.yaml").write_text(yaml.safe_dump_all(resources))
    (folder / "kustomization.yaml").write_text(yaml.safe_dump({"resources": ["resources.yaml"], **spec}))
    return folder


def overlay(folder: Path, base: Path, files: dict[str, dict], **spec) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(yaml.safe_dump(content))
    (folder / "kustomization.yaml").write_text(yaml.safe_dump({"resources": [f"../{base.name}"], **spec}))
    return folder


def test_a_patch_merges_containers_and_env_by_name_and_replaces_plain_lists(tmp_path: Path):
    base = kustomization(tmp_path / "base", [DEPLOYMENT])
    patch = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "args": ["serve"],
                            "env": [{"name": "B", "value": "two"}, {"name": "C", "value": "3"}],
                        }
                    ]
                }
            }
        },
    }
    [rendered] = build(overlay(tmp_path / "o", base, {"p.yaml": patch}, patches=[{"path": "p.yaml"}]))
    web, sidecar = rendered["spec"]["template"]["spec"]["containers"]
    assert web["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}, {"name": "C", "value": "3"}]
    assert web["args"] == ["serve"], "args has no merge key: the patch's list replaces it"
    assert web["image"] == "kinerja/web:0.1.0" and sidecar == {"name": "sidecar", "image": "busybox:1.36"}


def test_a_null_removes_a_field_and_a_target_patches_every_resource_of_a_kind(tmp_path: Path):
    other = {**TOPIC, "metadata": {"name": "u"}}
    base = kustomization(tmp_path / "base", [TOPIC, other, DEPLOYMENT])
    patch = {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopic", "metadata": {"name": "any"}}
    patch["spec"] = {"replicas": 1, "config": {"min.insync.replicas": 1, "retention.ms": None}}
    found = build(
        overlay(tmp_path / "o", base, {"p.yaml": patch}, patches=[{"path": "p.yaml", "target": {"kind": "KafkaTopic"}}])
    )
    topics = [r for r in found if r["kind"] == "KafkaTopic"]
    assert [t["metadata"]["name"] for t in topics] == ["t", "u"]
    assert all(t["spec"] == {"replicas": 1, "config": {"min.insync.replicas": 1}} for t in topics)


def test_images_and_namespace_are_set(tmp_path: Path):
    base = kustomization(tmp_path / "base", [DEPLOYMENT, TOPIC])
    images = [{"name": "kinerja/web", "newName": "registry.example/kinerja/web", "newTag": "0.2.0"}]
    found = build(overlay(tmp_path / "o", base, {}, namespace="kinerja", images=images))
    containers = found[0]["spec"]["template"]["spec"]["containers"]
    assert [c["image"] for c in containers] == ["registry.example/kinerja/web:0.2.0", "busybox:1.36"]
    assert {r["metadata"]["namespace"] for r in found} == {"kinerja"}


@pytest.mark.parametrize(
    ("spec", "files", "refused"),
    [
        ({"configMapGenerator": [{"name": "x"}]}, {}, "configMapGenerator is not modelled"),
        (
            {"patches": [{"path": "p.yaml"}]},
            {"p.yaml": {**TOPIC, "spec": {"partitions": [1]}}},
            "a list in a custom resource",
        ),
        (
            {"patches": [{"path": "p.yaml"}]},
            {"p.yaml": {**DEPLOYMENT, "spec": {"template": {"spec": {"$retainKeys": ["volumes"]}}}}},
            "patch directives",
        ),
        (
            {"patches": [{"path": "p.yaml"}]},
            {"p.yaml": {**DEPLOYMENT, "metadata": {"name": "absent"}}},
            "matches no resource",
        ),
    ],
    ids=["a generator", "a list in a custom resource", "a directive", "a patch of nothing"],
)
def test_what_is_not_modelled_is_refused(tmp_path: Path, spec: dict, files: dict, refused: str):
    base = kustomization(tmp_path / "base", [DEPLOYMENT, TOPIC])
    with pytest.raises(NotModelled, match=refused):
        build(overlay(tmp_path / "o", base, files, **spec))


def test_a_resource_declared_twice_is_refused(tmp_path: Path):
    with pytest.raises(NotModelled, match="declared twice"):
        build(kustomization(tmp_path / "base", [DEPLOYMENT, DEPLOYMENT]))
