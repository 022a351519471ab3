"""kinerja-admin: the argument parser and what each command prints.

Exit status: 0 done (or nothing to do), 1 refused (wrong database, broker unreachable, no such
row: the one line on stderr says what to do), 2 bad usage.
"""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from aiokafka.errors import KafkaError
from kinerja_contracts.catalogue import DEAD_LETTER

from kinerja_runtime.admin import deadletters, outbox_commands, rebuild
from kinerja_runtime.admin.deadletters import DeadLetter, Filter
from kinerja_runtime.admin.guard import Refused
from kinerja_runtime.admin.output import counted, instant, shortened, table
from kinerja_runtime.admin.services import Service, opened, service_names
from kinerja_runtime.redaction import describe

PROG = "kinerja-admin"
PERSONAL_HEADERS = {"ce_subject"}  # the employee's NIP, as the record's key is


def instant_argument(text: str) -> datetime:
    """An ISO 8601 instant with its UTC offset (2026-01-31T08:00:00+07:00, or Z for UTC)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time (e.g. 2026-01-31T08:00:00+07:00)") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset; add one (2026-01-31T08:00:00+07:00) or Z for UTC"
        )
    return value.astimezone(UTC)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Kinerja's operator tools. Run with the service's environment (DATABASE_URL, "
        "KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, ...): docs/operations-cli.md.",
    )
    groups = top.add_subparsers(dest="group", required=True, metavar="{outbox,deadletter,projections}")
    names = service_names()
    service = argparse.ArgumentParser(add_help=False)
    service.add_argument(
        "--service", required=True, choices=names, metavar="NAME", help=f"the service: {', '.join(names)}"
    )

    outbox = groups.add_parser("outbox", help="the service's outbox").add_subparsers(
        dest="command", required=True, metavar="{replay,parked}"
    )
    replay = outbox.add_parser(
        "replay", parents=[service], help="queue again the rows created since a time (after the broker lost data)"
    )
    replay.add_argument("--since", required=True, type=instant_argument, help="ISO 8601 time with its UTC offset")
    parked = outbox.add_parser("parked", help="rows the broker refused").add_subparsers(
        dest="parked", required=True, metavar="{list,retry}"
    )
    listing = parked.add_parser("list", parents=[service], help="the parked rows, oldest first")
    listing.add_argument("--agency", help="only this agency's rows")
    listing.add_argument("--limit", type=_positive, default=100, help="most rows shown (default 100)")
    retry = parked.add_parser("retry", parents=[service], help="queue parked rows again once the cause is fixed")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("event_id", nargs="?", help="the parked row's event id")
    which.add_argument("--all", action="store_true", help="every parked row")

    dead = groups.add_parser("deadletter", help="the dead-letter topic").add_subparsers(
        dest="command", required=True, metavar="{list,show,replay}"
    )
    dead_list = dead.add_parser("list", parents=[service, _filters(consumer=True)], help="dead letters, oldest first")
    dead_list.add_argument("--limit", type=_positive, default=200, help="most shown (default 200)")
    show = dead.add_parser("show", parents=[service], help="one dead letter's headers and reason")
    show.add_argument("ref", help="PARTITION:OFFSET in the dead-letter topic (from `list`), or the event id")
    show.add_argument("--consumer", help="whose dead letters (default: the service's)")
    show.add_argument(
        "--payload",
        action="store_true",
        help="print the key and the payload too (they may hold personal data; do not share them)",
    )
    dead_replay = dead.add_parser(
        "replay",
        parents=[service, _filters(consumer=False)],
        help="send the service's matching dead letters back to their topics, each once",
    )
    dead_replay.add_argument("--again", action="store_true", help="also those replayed before")

    projections = groups.add_parser("projections", help="the service's projections of other services' events")
    projection_commands = projections.add_subparsers(dest="command", required=True, metavar="{rebuild}")
    rebuild_parser = projection_commands.add_parser(
        "rebuild", help="empty the projections and apply the topics again (stop the service first)"
    )
    rebuild_parser.add_argument("service", choices=names, metavar="SERVICE", help=f"one of {', '.join(names)}")
    rebuild_parser.add_argument(
        "--accept-loss",
        action="store_true",
        help="rebuild even when the topics no longer hold every event the projections were built from",
    )
    return top


def _filters(*, consumer: bool) -> argparse.ArgumentParser:
    filters = argparse.ArgumentParser(add_help=False)
    if consumer:
        filters.add_argument("--consumer", help="whose dead letters (default: the service's)")
    filters.add_argument("--type", dest="event_type", help="event type: kinerja.target.TargetSet.v1 or TargetSet")
    filters.add_argument(
        "--reason",
        help="text the reason contains, or its class as alerts name it (any case), e.g. UndefinedTable, decode_error",
    )
    filters.add_argument("--agency", help="the event's agency (ce_agency)")
    filters.add_argument("--since", type=instant_argument, help="dead-lettered at or after (ISO 8601 with offset)")
    filters.add_argument("--until", type=instant_argument, help="dead-lettered before (ISO 8601 with offset)")
    return filters


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _filter_of(args: argparse.Namespace, service: str) -> Filter:
    return Filter(
        consumer=getattr(args, "consumer", None) or service,
        event_type=args.event_type,
        reason=args.reason,
        agency=args.agency,
        since=args.since,
        until=args.until,
    )


async def run(args: argparse.Namespace) -> int:
    name = args.service
    async with opened(name) as service:
        if args.group == "outbox":
            return await _outbox(service, args)
        if args.group == "deadletter":
            return await _deadletter(service, args)
        print(await rebuild.rebuild(service, accept_loss=args.accept_loss))
        return 0


async def _outbox(service: Service, args: argparse.Namespace) -> int:
    if args.command == "replay":
        print(await outbox_commands.replay(service, args.since))
    elif args.parked == "list":
        print(await outbox_commands.parked(service, agency=args.agency, limit=args.limit))
    elif args.all:
        print(await outbox_commands.retry_all(service))
    else:
        retried = await outbox_commands.retry(service, args.event_id)
        if not retried.found:
            raise Refused(retried.message)
        print(retried.message)
    return 0


async def _deadletter(service: Service, args: argparse.Namespace) -> int:
    settings = service.runtime.settings
    if args.command == "show":
        wanted = Filter(consumer=args.consumer or service.name)
        letters, _ = await deadletters.read(settings, wanted)
        shown = [letter for letter in letters if args.ref in (letter.ref, letter.event_id)]
        if not shown:
            raise Refused(f"no dead letter of {wanted.consumer} is {args.ref}; `deadletter list` shows them")
        replays = await deadletters.replays_of(service.runtime.sessions, shown)
        print("\n\n".join(_details(letter, replays.get(letter.place), payload=args.payload) for letter in shown))
        return 0
    wanted = _filter_of(args, service.name)
    letters, read = await deadletters.read(settings, wanted)
    if args.command == "list":
        replays = await deadletters.replays_of(service.runtime.sessions, letters[: args.limit])
        print(_listing(letters[: args.limit], replays))
        more = f"; the first {args.limit} shown (--limit)" if len(letters) > args.limit else ""
        print(f"{len(letters)} of {counted(read, 'dead letter')} {'matches' if len(letters) == 1 else 'match'}{more}")
        return 0
    done = await deadletters.replay(service, letters, again=args.again)
    left = (
        f"; {counted(done.left, 'dead letter')} replayed before left out (--again sends them once more)"
        if done.left
        else ""
    )
    print(
        f"{done.sent} of {counted(len(letters), 'matching dead letter')} of {service.name} replayed to their topics "
        f"({deadletters.REPLAY_ID} {done.replay_id}){left}"
    )
    return 0


def _listing(letters: Sequence[DeadLetter], replays: dict) -> str:
    return table(
        ["DEAD LETTER", "AT", "CONSUMER", "TYPE", "EVENT ID", "FROM", "REPLAYED", "REASON"],
        [
            [
                letter.ref,
                letter.at,
                letter.consumer,
                letter.event_type,
                letter.event_id,
                letter.origin,
                replays.get(letter.place),
                shortened(letter.reason, 80),
            ]
            for letter in letters
        ],
    )


def _details(letter: DeadLetter, replayed: datetime | None, *, payload: bool) -> str:
    content_type = letter.headers.get("content-type", "no content-type")
    facts = [
        ("dead letter", f"{letter.ref} of {DEAD_LETTER.name}, at {instant(letter.at)}"),
        ("consumer", letter.consumer),
        ("reason", letter.reason),
        ("from", letter.origin),
        ("key", _key(letter) if payload else "--payload prints it"),
        ("payload", f"{len(letter.value)} bytes ({content_type})" + ("" if payload else "; --payload prints it")),
        ("replayed", instant(replayed) if replayed else "never"),
    ]
    lines = [f"{label + ':':<13}{value if value is not None else '-'}" for label, value in facts]
    lines += ["headers:"] + [
        f"  {k}: {v if payload or k not in PERSONAL_HEADERS else '--payload prints it'}"
        for k, v in sorted(letter.headers.items())
        if not k.startswith("dlq_")
    ]
    if payload:
        lines += ["payload (may hold personal data; do not share it):", letter.value.decode(errors="replace")]
    return "\n".join(lines)


def _key(letter: DeadLetter) -> str | None:
    return letter.key.decode(errors="replace") if letter.key is not None else None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except Refused as refused:
        print(f"{PROG}: {refused}", file=sys.stderr)
        return 1
    except KafkaError as exc:
        print(f"{PROG}: the broker failed: {describe(exc)}; running the command again takes it up", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; running the command again takes it up", file=sys.stderr)
        return 130
