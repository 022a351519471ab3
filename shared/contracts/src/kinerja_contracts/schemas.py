"""JSON Schemas of the events, committed under ``shared/contracts/schemas/``.

Regenerate with ``python -m kinerja_contracts.schemas``; ``--check`` exits 1 when a
committed file is missing, stale or left over.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .base import Event
from .catalogue import EVENT_TYPES, topic_of

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "schemas"
"""``shared/contracts/schemas`` when the package is used from the source tree."""


def schema_of(model: type[Event]) -> dict[str, Any]:
    """The reader's JSON Schema of one event, annotated with its type, topic and record key.

    Readers are tolerant (``decode`` ignores unknown fields), so no object in it is closed:
    a producer may add an optional field within a version. The size limits (``maxLength``,
    ``maxItems``, ``maxProperties``) are there; the largest record value is
    ``x-max-encoded-bytes``.
    """
    schema = _open(model.model_json_schema())
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:kinerja:event:{model.event_type}",
        "x-event-type": model.event_type,
        "x-topic": topic_of(model).name,
        "x-key": model.key_field,
        "x-max-encoded-bytes": model.max_encoded_bytes,
        **({"deprecated": True, "x-superseded-by": model.superseded_by} if model.superseded_by else {}),
        **schema,
    }


def _open(node: Any) -> Any:
    """The schema without ``additionalProperties: false`` anywhere (the producers' strictness)."""
    if isinstance(node, dict):
        return {k: _open(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(node, list):
        return [_open(v) for v in node]
    return node


def render(model: type[Event]) -> str:
    """The schema file's exact text."""
    return json.dumps(schema_of(model), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_path(directory: Path, event_type: str) -> Path:
    return Path(directory) / f"{event_type}.json"


def write_schemas(directory: Path | str = DEFAULT_DIR) -> list[Path]:
    """Write one ``<event_type>.json`` per event type; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type, model in sorted(EVENT_TYPES.items()):
        path = schema_path(directory, event_type)
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path | str = DEFAULT_DIR) -> list[str]:
    """Reasons the committed files differ from the models (empty when up to date)."""
    directory = Path(directory)
    problems = []
    for event_type, model in sorted(EVENT_TYPES.items()):
        path = schema_path(directory, event_type)
        if not path.exists():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != render(model):
            problems.append(f"{path}: out of date")
    expected = {schema_path(directory, t).name for t in EVENT_TYPES}
    if directory.is_dir():
        for path in sorted(directory.glob("*.json")):
            if path.name not in expected:
                problems.append(f"{path}: no such event type in the catalogue")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kinerja_contracts.schemas", description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="schema directory")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if out of date")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_schemas(args.dir)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("run: python -m kinerja_contracts.schemas", file=sys.stderr)
            return 1
        print(f"{len(EVENT_TYPES)} schemas up to date in {args.dir}")
        return 0
    for path in write_schemas(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
