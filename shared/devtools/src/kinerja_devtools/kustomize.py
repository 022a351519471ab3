"""Renders a kustomization (deploy/k8s) as `kubectl kustomize` would, for the features the deploy
manifests use and no others, so the tests can validate what an operator applies without a
kustomize binary on the machine. Operators run ``kubectl kustomize`` / ``kubectl apply -k``.

Modelled:

- ``resources``: YAML files and directories holding a kustomization (bases);
- ``namespace``: set on every namespaced resource;
- ``images``: ``newName`` / ``newTag`` / ``digest`` of the containers of pod templates;
- ``patches``: a strategic-merge patch, from ``path`` or inline ``patch``, applied to the resource
  it names or to every resource a ``target`` (``kind``, optionally ``name``) selects. For the
  built-in kinds, lists merge the way the Kubernetes schemas say (their
  ``x-kubernetes-patch-merge-key``: containers by name, env by name, volume mounts by mount path),
  other lists are replaced, a ``null`` removes a field. For custom resources a patch may change
  maps and scalars only: kustomize guesses the keys of their lists, which this does not imitate.

Anything else in a kustomization (generators, replacements, components, patch directives) is
refused with :class:`NotModelled`, so an overlay cannot silently render differently here than in
kubectl. ``python -m kinerja_devtools.kustomize DIR`` prints the result.
"""

import argparse
import copy
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KUSTOMIZATION = "kustomization.yaml"
KUBERNETES_VERSION = "1.33.0"
"""The Kubernetes API the manifests target (the oldest minor a province is expected to run)."""

SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
CLUSTER_SCOPED = {
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ClusterTriggerAuthentication",
}
BUILT_IN_GROUPS = {"", "apps", "batch", "policy", "networking.k8s.io", "autoscaling", "rbac.authorization.k8s.io"}


class NotModelled(ValueError):
    """The kustomization uses something this renderer does not reproduce."""


Resource = dict[str, Any]


def build(directory: Path) -> list[Resource]:
    """The resources of the kustomization in ``directory``, transformed."""
    directory = Path(directory)
    spec = yaml.safe_load((directory / KUSTOMIZATION).read_text()) or {}
    unknown = set(spec) - SUPPORTED_FIELDS
    if unknown:
        raise NotModelled(f"{directory / KUSTOMIZATION}: {', '.join(sorted(unknown))} is not modelled here")
    found: list[Resource] = []
    for entry in spec.get("resources", []):
        path = directory / entry
        found += build(path) if path.is_dir() else list(_documents(path))
    _refuse_duplicates(found, directory)
    for patch in spec.get("patches", []):
        _apply_patch(found, patch, directory)
    for image in spec.get("images", []):
        _set_image(found, image)
    if "namespace" in spec:
        for resource in found:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource.setdefault("metadata", {})["namespace"] = spec["namespace"]
    return found


def _documents(path: Path) -> Iterator[Resource]:
    for document in yaml.safe_load_all(path.read_text()):
        if document:
            yield document


def identity(resource: Resource) -> tuple[str, str, str]:
    return resource["apiVersion"].split("/")[0], resource["kind"], resource["metadata"]["name"]


def _refuse_duplicates(found: list[Resource], directory: Path) -> None:
    seen: set[tuple[str, str, str]] = set()
    for resource in found:
        key = identity(resource)
        if key in seen:
            raise NotModelled(f"{directory}: {key[1]} {key[2]} is declared twice")
        seen.add(key)


def _apply_patch(found: list[Resource], entry: dict, directory: Path) -> None:
    if set(entry) - {"path", "patch", "target"}:
        raise NotModelled(f"patch options {sorted(set(entry) - {'path', 'patch', 'target'})} are not modelled")
    text = (directory / entry["path"]).read_text() if "path" in entry else entry["patch"]
    patch = yaml.safe_load(text)
    if not isinstance(patch, dict):
        raise NotModelled(f"{entry}: only strategic-merge patches (a YAML object) are modelled")
    target = entry.get("target")
    if target is not None:
        if set(target) - {"kind", "name"}:
            raise NotModelled(f"patch targets by {sorted(set(target) - {'kind', 'name'})} are not modelled")
        chosen = [
            r
            for r in found
            if r["kind"] == target["kind"] and ("name" not in target or r["metadata"]["name"] == target["name"])
        ]
    else:
        chosen = [r for r in found if r["kind"] == patch["kind"] and r["metadata"]["name"] == patch["metadata"]["name"]]
    if not chosen:
        raise NotModelled(f"patch {entry.get('path', entry)} matches no resource")
    for resource in chosen:
        body = {k: v for k, v in patch.items() if k not in ("apiVersion", "kind", "metadata")}
        if "metadata" in patch:
            body["metadata"] = {k: v for k, v in patch["metadata"].items() if k != "name"}
        merged = merge(resource, body, _schema_of(resource), where=f"{resource['kind']} {resource['metadata']['name']}")
        resource.clear()
        resource.update(merged)


def merge(original: Any, patch: Any, schema: dict | None, where: str) -> Any:
    """A strategic merge of ``patch`` into ``original`` (both plain YAML data). ``schema`` is the
    Kubernetes JSON schema of ``original`` for a built-in kind, None for a custom resource."""
    if isinstance(patch, dict):
        if any(key.startswith("$") for key in patch):
            raise NotModelled(f"{where}: patch directives ({', '.join(k for k in patch if k.startswith('$'))})")
        if not isinstance(original, dict):
            return copy.deepcopy(patch)
        result = copy.deepcopy(original)
        for key, value in patch.items():
            if value is None:
                result.pop(key, None)
                continue
            result[key] = merge(original.get(key), value, _property(schema, key), f"{where}.{key}")
        return result
    if isinstance(patch, list):
        return _merge_list(original, patch, schema, where)
    return patch


def _merge_list(original: Any, patch: list, schema: dict | None, where: str) -> list:
    if schema is None:
        raise NotModelled(f"{where}: a list in a custom resource (kustomize infers its keys; patch maps and scalars)")
    strategy = schema.get("x-kubernetes-patch-strategy", "")
    key = schema.get("x-kubernetes-patch-merge-key")
    if "retainKeys" in strategy:
        raise NotModelled(f"{where}: the retainKeys strategy")
    if "merge" not in strategy or not key or not isinstance(original, list):
        return copy.deepcopy(patch)
    items = _items(schema)
    result = copy.deepcopy(original)
    for element in patch:
        if not isinstance(element, dict) or key not in element:
            raise NotModelled(f"{where}: a patch element without its merge key {key!r}")
        match = next((i for i, e in enumerate(result) if e.get(key) == element.get(key)), None)
        if match is None:
            result.append(copy.deepcopy(element))
        else:
            result[match] = merge(result[match], element, items, f"{where}[{key}={element.get(key)}]")
    return result


def _set_image(found: list[Resource], image: dict) -> None:
    if set(image) - {"name", "newName", "newTag", "digest"}:
        raise NotModelled(f"image options {sorted(set(image) - {'name', 'newName', 'newTag', 'digest'})}")
    for resource in found:
        pod = resource.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            name, tag = _split_image(container["image"])
            if name != image["name"]:
                continue
            name = image.get("newName", name)
            if "digest" in image:
                container["image"] = f"{name}@{image['digest']}"
            else:
                container["image"] = f"{name}:{image.get('newTag', tag)}" if image.get("newTag", tag) else name


def _split_image(reference: str) -> tuple[str, str | None]:
    name, _, digest = reference.partition("@")
    if digest:
        return name, None
    head, _, tag = name.rpartition(":")
    if head and "/" not in tag:
        return head, tag
    return name, None


# --- the Kubernetes schemas of the built-in kinds (from the kubernetes-validate package) ------


@cache
def _definitions() -> dict:
    return _schema_file("_definitions.json")["$defs"]


@cache
def _schema_file(name: str) -> dict:
    folder = resources.files("kubernetes_validate") / "kubernetes-json-schema" / f"v{KUBERNETES_VERSION}-local-strict"
    return json.loads((folder / name).read_text())


def _schema_of(resource: Resource) -> dict | None:
    group, _, version = resource["apiVersion"].rpartition("/")
    if group not in BUILT_IN_GROUPS:
        return None
    prefix = group.split(".")[0] + "-" if group else ""
    return _schema_file(f"{resource['kind'].lower()}-{prefix}{version}.json")


def _resolve(schema: dict | None) -> dict | None:
    while schema is not None and "$ref" in schema:
        schema = _definitions()[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _property(schema: dict | None, key: str) -> dict | None:
    schema = _resolve(schema)
    if schema is None:
        return None
    found = schema.get("properties", {}).get(key)
    if found is None:
        return None
    # Keep the list's own patch extensions, which sit beside a $ref to the item type.
    resolved = dict(_resolve(found) or {})
    resolved.update({k: v for k, v in found.items() if k.startswith("x-kubernetes-")})
    return resolved


def _items(schema: dict) -> dict | None:
    return _resolve(schema.get("items"))


def to_yaml(found: list[Resource]) -> str:
    return yaml.safe_dump_all(found, sort_keys=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path, help="a folder with a kustomization.yaml, e.g. deploy/k8s/overlays/dev")
    args = parser.parse_args(argv)
    print(to_yaml(build(args.directory)), end="")


if __name__ == "__main__":
    main()
