"""``python -m siasn_connector [run | report | retry | stub]``.

- ``run`` (the default): consume Kinerja's public topics, send to SIASN, serve the HTTP API
  (``/reconciliation``, ``/health/*``) on ``HTTP_HOST``:``HTTP_PORT``;
- ``report``: the reconciliation report from the connector's database (the same settings), as
  text or ``--json``; ``--records`` lists every record, ``--status failed`` only those;
- ``retry``: failed records back to pending once what SIASN refused was fixed;
- ``stub``: the SIASN-compatible stub server (tests and the dev stack).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from .settings import ConnectorSettings
from .store import Store


def run() -> None:
    import uvicorn

    from .api import create_app

    settings = ConnectorSettings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_level="warning")


def _state_url() -> str:
    """The connector's database; a SQLite file that does not exist is an error, not an empty report."""
    settings = ConnectorSettings()
    url = settings.state_url
    if url.startswith("sqlite") and not settings.database_url:
        path = Path(url.split("///", 1)[1])
        if not path.exists():
            sys.exit(f"no connector database at {path} (set DATA_DIR or DATABASE_URL as the connector has them)")
    return url


async def _report(args: argparse.Namespace) -> dict:
    store = Store(_state_url())
    try:
        await store.create()
        return await store.reconciliation(
            agency_id=args.agency,
            with_records=args.records or args.status is not None,
            status=args.status,
            limit=args.limit,
        )
    finally:
        await store.close()


def print_report(report: dict) -> None:
    print(report["line"])
    for kind, counts in sorted(report["by_kind"].items()):
        print(
            f"  {kind:<17} {counts['sent']} sent, {counts['failed']} failed, {counts['pending']} pending"
            f", {counts['updates']} updated after a revision"
        )
    for failure in report["failed_reasons"]:
        print(f"  failed: {failure['records']} x {failure['reason']}")
    retrying = report["pending_retrying"]
    if retrying["records"]:
        print(f"  pending after a failed attempt: {retrying['records']} (last: {retrying['last_error']})")
    if report["skipped_events"]["count"]:
        print(f"  events that could not be read: {report['skipped_events']['count']}")
        for skipped in report["skipped_events"]["latest"]:
            print(f"    {skipped['topic']}[{skipped['partition']}]@{skipped['offset']}: {skipped['reason']}")
    for record in report.get("records", []):
        where = f"{record['scope']}/{record['part']}" if record["part"] else record["scope"]
        missing = f" missing: {', '.join(record['missing'])}" if record["missing"] else ""
        reason = f" reason: {record['reason']}" if record["reason"] else ""
        print(
            f"  #{record['id']:<6} {record['kind']:<17} {record['agency_id']} {record['nip']} {where}"
            f" {record['status']} siasn={record['siasn_id'] or '-'}{missing}{reason}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m siasn_connector",
        description="Kinerja's SIASN connector: consume the public topics, send to SIASN, report what was sent.",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="consume, send to SIASN and serve the HTTP API (the default)")
    report = commands.add_parser("report", help="the reconciliation report")
    report.add_argument("--agency", help="one agency's records")
    report.add_argument("--records", action="store_true", help="list every record")
    report.add_argument("--status", choices=("sent", "failed", "pending"), help="list the records in this state")
    report.add_argument("--limit", type=int, default=10_000)
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    retry = commands.add_parser("retry", help="failed records back to pending")
    retry.add_argument("--agency")
    retry.add_argument("ids", nargs="*", type=int, help="record ids (none: every failed record)")
    commands.add_parser("stub", help="run the SIASN-compatible stub server", add_help=False)

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "stub":
        from .stub import main as stub_main

        stub_main(argv[1:])
        return
    args = parser.parse_args(argv)
    if args.command in (None, "run"):
        run()
    elif args.command == "report":
        result = asyncio.run(_report(args))
        if args.json:
            print(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            print_report(result)
    elif args.command == "retry":

        async def _retry() -> int:
            store = Store(_state_url())
            try:
                await store.create()
                return await store.retry(args.ids or None, args.agency)
            finally:
                await store.close()

        print(f"{asyncio.run(_retry())} failed record(s) back to pending")


if __name__ == "__main__":
    main()
