"""kinerja-admin where it is deployed: the commands the operators' documents show are what its parser
takes (deploy/README.md, docs/operations-cli.md); its one-off Job (deploy/k8s/jobs) and the broker
user it connects as for the dead-letter commands may do what the commands do."""

import re
import shlex
from pathlib import Path

import pytest
from deploy_manifests import KUSTOMIZATIONS, container, env_of, of_kind, one, settings_types, variables
from kinerja_contracts.catalogue import DEAD_LETTER, OPERATORS, TOPICS
from kinerja_devtools.kafka_users import SERVICES, ca_mount, ca_volume, client, client_env
from kinerja_runtime.admin.cli import parser
from kinerja_runtime.admin.kafka import OPERATOR_PASSWORD, OPERATOR_USERNAME

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "deploy" / "README.md", ROOT / "docs" / "operations-cli.md"]

PLACEHOLDERS = {  # what the documents write for a value the operator chooses, and one such value
    "<service>": "appraisal-service",
    "<time>": "2026-01-31T06:00:00+07:00",
    "<event-id>": "0b7f6c9e-1d2a-4e5f-8a9b-0c1d2e3f4a5b",
    "<partition>": "7",
    "<offset>": "1042",
}
COMMAND = re.compile(r"(?<![\w/.-])kinerja-admin(?: [^`\n]*)?")  # not job/kinerja-admin


def commands(document: Path) -> list[str]:
    """Each ``kinerja-admin ...`` of the document: in a code span (which may wrap a line) or on a
    line of a code block; ``kinerja-admin …`` alone names the tool, it is no command."""
    text = document.read_text()
    found = []
    for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", text):
        found += COMMAND.findall(" ".join(span.split()))
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S):
        found += COMMAND.findall(re.sub(r"\s+#.*", "", block))  # shell comments
    return [
        c.strip() for c in found if c.strip() not in ("kinerja-admin", "kinerja-admin …")
    ]  # the Job's or the tool's name


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


def test_the_operators_user_may_do_what_the_dead_letter_commands_do():
    """`deadletter list/show` read the dead-letter topic; `replay` writes each letter to the topic
    its consumer read it from, which may be any service's."""
    operator = client(OPERATORS)
    assert operator.may_read(DEAD_LETTER.name)
    dead_lettered_from = {t.name for access in SERVICES for t in access.reads}
    assert dead_lettered_from and all(operator.may_write(topic) for topic in dead_lettered_from)
    assert not any(operator.may_read(t.name) for t in TOPICS), "the operators read no event topic"
    assert not any(a.resource == "group" for a in operator.acls()), "the tool joins no group"


def test_the_admin_job_is_never_applied_with_an_overlay():
    for name in KUSTOMIZATIONS:
        assert not [job for job in of_kind(name, "Job") if job["metadata"]["name"] == "kinerja-admin"], name


def test_the_admin_job_runs_a_command_as_the_service_and_the_operators():
    job = one("jobs", "Job", "kinerja-admin")
    spec = container(job)
    env = env_of(spec)
    service = env["SERVICE_NAME"]["value"]
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == service
    assert spec["image"].split(":")[0].endswith(f"kinerja/{service}")
    assert spec["command"] == ["kinerja-admin"]
    assert parser().parse_args(spec["args"]).service == service
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": f"{service}-db", "key": "url"}
    for entry in client_env(service):
        assert env[entry["name"]] == entry
    assert env[OPERATOR_USERNAME]["value"] == OPERATORS
    assert env[OPERATOR_PASSWORD]["valueFrom"]["secretKeyRef"] == {"name": OPERATORS, "key": "password"}
    assert ca_mount() in spec["volumeMounts"]
    assert ca_volume() in job["spec"]["template"]["spec"]["volumes"]
    # Settings the service reads, and the tool's own.
    read = set().union(*(variables(settings) for settings in settings_types(service)))
    assert set(env) - {OPERATOR_USERNAME, OPERATOR_PASSWORD} <= read
