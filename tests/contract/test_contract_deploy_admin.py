"""What the operators' documents tell them to run with kinerja-admin is what its parser takes
(deploy/README.md, docs/operations-cli.md)."""

import re
import shlex
from pathlib import Path

import pytest
from kinerja_runtime.admin.cli import parser

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "deploy" / "README.md", ROOT / "docs" / "operations-cli.md"]

PLACEHOLDERS = {  # what the documents write for a value the operator chooses, and one such value
    "<service>": "appraisal-service",
    "<time>": "2026-01-31T06:00:00+07:00",
    "<event-id>": "0b7f6c9e-1d2a-4e5f-8a9b-0c1d2e3f4a5b",
    "<partition>": "7",
    "<offset>": "1042",
}
COMMAND = re.compile(r"kinerja-admin(?: [^`\n]*)?")


def commands(document: Path) -> list[str]:
    """Each ``kinerja-admin ...`` of the document: in a code span (which may wrap a line) or on a
    line of a code block; ``kinerja-admin …`` alone names the tool, it is no command."""
    text = document.read_text()
    found = []
    for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", text):
        found += COMMAND.findall(" ".join(span.split()))
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S):
        found += COMMAND.findall(block)
    return [c.strip() for c in found if c.strip() not in ("kinerja-admin", "kinerja-admin …")]


def argv(command: str) -> list[str]:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    unknown = re.findall(r"<[^>]+>", command)
    assert not unknown, f"{command!r}: add {unknown} to PLACEHOLDERS or write a real value"
    return shlex.split(command)[1:]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_kinerja_admin_command_of_the_documents_parses(document: Path):
    found = commands(document)
    assert found, f"{document} shows no kinerja-admin command"
    for command in found:
        try:
            parser().parse_args(argv(command))
        except SystemExit:
            pytest.fail(f"{document.name}: kinerja-admin refuses {command!r}")


def test_the_service_before_the_subcommand_is_bad_usage(capsys):
    """The form deploy/README.md once showed: the test above would catch it."""
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(argv("kinerja-admin --service <service> outbox replay --since <time>"))
    assert stopped.value.code == 2
