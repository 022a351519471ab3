"""Writes the AsyncAPI 3.0 document of each service's events, and its HTML page for integrators,
under ``shared/contracts/asyncapi/`` (``<service>.json``, ``<service>.html``).

``python -m kinerja_devtools.asyncapi [--check]`` (``make asyncapi``). Each service is built as it
runs (nothing started): what it publishes is its ``produces``, what it receives is the event
classes its consumer has handlers for; the rest of the document comes from the contract
(:mod:`kinerja_contracts.asyncapi`). The servers are the production cluster of the deploy
manifests and the embedded dev broker. ``--check`` exits 1 when a committed file is missing,
stale or left over, naming the command to run.
"""

import argparse
import importlib
import json
import sys
import tempfile
import typing
from pathlib import Path
from typing import Any

import yaml
from kinerja_contracts.asyncapi import Server, document
from kinerja_runtime.app import runtime_of
from kinerja_runtime.asyncapi import application
from kinerja_runtime.settings import ServiceSettings

from kinerja_devtools.asyncapi_html import render_html
from kinerja_devtools.kafka_users import BOOTSTRAP_SETTING, SASL_MECHANISM, SECURITY_PROTOCOL

ROOT = Path(__file__).resolve().parents[4]
OUTPUT = ROOT / "shared" / "contracts" / "asyncapi"
COMMAND = "make asyncapi (python -m kinerja_devtools.asyncapi)"


def _production_bootstrap() -> str:
    """The brokers' address the Deployments are given (deploy/k8s/base/settings.yaml)."""
    settings = yaml.safe_load((ROOT / "deploy" / "k8s" / "base" / "settings.yaml").read_text(encoding="utf-8"))
    return settings["data"][BOOTSTRAP_SETTING]


SERVERS = (
    Server(
        "production",
        _production_bootstrap(),
        "The production cluster of the deploy manifests (Strimzi), its TLS listener with SASL "
        f"{SASL_MECHANISM}; this is its address inside the cluster. Each reader connects as its own "
        "KafkaUser, which may read the public topics (a service also the internal topics it is named on).",
        sasl_mechanism=SASL_MECHANISM,
        tls=SECURITY_PROTOCOL in ("SSL", "SASL_SSL"),
    ),
    Server(
        "development",
        ServiceSettings.model_fields["kafka_bootstrap_servers"].default,
        "The embedded broker started by `make run` (plaintext, no authentication).",
    ),
)


def broker_services() -> dict[str, str]:
    """Service name -> package, for every service built on the runtime (so on the broker)."""
    found = {}
    for main in sorted(ROOT.glob("services/*/src/*/main.py")):
        if "create_service_app" in main.read_text(encoding="utf-8"):
            found[main.parents[2].name] = main.parent.name
    return found


def service_document(service: str, package: str) -> dict[str, Any]:
    """Builds the service's app (nothing started, nothing connected) and documents its events."""
    main = importlib.import_module(f"{package}.main")
    hints = typing.get_type_hints(main.create_app)["settings"]
    settings_type = next(a for a in typing.get_args(hints) if a is not type(None))
    with tempfile.TemporaryDirectory() as data_dir:
        # The group is given so the environment's CONSUMER_GROUP cannot change the committed file.
        settings = settings_type(service_name=service, data_dir=Path(data_dir), log_json=False, consumer_group="")
        app = main.create_app(settings)
    runtime = runtime_of(app)
    return document(application(app.description, runtime.produces, runtime.consumer), SERVERS)


def documents() -> dict[str, dict[str, Any]]:
    return {service: service_document(service, package) for service, package in broker_services().items()}


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def wanted_files(output: Path = OUTPUT) -> dict[Path, str]:
    """Every file to commit under ``output``, with its exact text."""
    files = {}
    for service, doc in documents().items():
        files[output / f"{service}.json"] = render_json(doc)
        files[output / f"{service}.html"] = render_html(doc)
    return files


def _generated(output: Path) -> set[Path]:
    return {p for p in output.glob("*") if p.suffix in (".json", ".html")}


def stale_files(wanted: dict[Path, str], output: Path = OUTPUT) -> list[str]:
    """Files missing, out of date or left over (a service no longer on the broker)."""
    problems = [
        f"{_shown(path)} is {'out of date' if path.exists() else 'missing'}"
        for path, text in wanted.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    problems += [f"{_shown(p)} is left over" for p in sorted(_generated(output) - set(wanted))]
    return problems


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is not current")
    args = parser.parse_args(argv)
    wanted = wanted_files(OUTPUT)
    if args.check:
        problems = stale_files(wanted, OUTPUT)
        if problems:
            sys.exit(f"AsyncAPI documents not current ({'; '.join(problems)}); run {COMMAND}")
        print(f"{len(wanted)} files under {_shown(OUTPUT)} are current")
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for path in sorted(_generated(OUTPUT) - set(wanted)):
        path.unlink()
        print(f"removed {_shown(path)}")
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {_shown(path)}")


if __name__ == "__main__":
    main()
