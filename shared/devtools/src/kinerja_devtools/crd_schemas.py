"""Extracts the schemas of the custom resources the deploy manifests use (Strimzi, KEDA, the
Prometheus operator) from their CustomResourceDefinitions, into deploy/schemas/, where the
manifest tests read them to validate the resources offline.

``python -m kinerja_devtools.crd_schemas CRD.yaml [CRD.yaml ...] --source "strimzi 1.2.0"``: each
served version's ``openAPIV3Schema`` becomes ``deploy/schemas/<group>/<kind>-<version>.json``.
Run it with the CRDs of the operator versions a province installs, when they change.
"""

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import yaml

SCHEMAS = Path("deploy/schemas")


def schemas_of(crd: dict, source: str) -> Iterator[tuple[Path, dict]]:
    """(file under deploy/schemas, schema) for each served version of one CRD."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    for version in crd["spec"]["versions"]:
        if not version.get("served", False):
            continue
        schema = dict(version["schema"]["openAPIV3Schema"])
        schema["$comment"] = f"openAPIV3Schema of {kind} {group}/{version['name']}, from the CRD of {source}"
        yield Path(group) / f"{kind}-{version['name']}.json", schema


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("crds", nargs="+", type=Path, help="CustomResourceDefinition YAML files")
    parser.add_argument("--source", required=True, help='where the CRDs come from, e.g. "strimzi 1.2.0"')
    parser.add_argument("--into", type=Path, default=SCHEMAS)
    args = parser.parse_args(argv)
    for file in args.crds:
        for crd in yaml.safe_load_all(file.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            for name, schema in schemas_of(crd, args.source):
                target = args.into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
                print(f"wrote {target}")


if __name__ == "__main__":
    main()
