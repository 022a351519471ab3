"""The committed dashboard and alert rules (deploy/observability) name only metrics the runtime
exports, and every alert fires when it should: `promtool test rules` where promtool is
installed (CI installs Debian's prometheus package), the parser checks everywhere."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import kinerja_runtime.app  # noqa: F401  (what a service imports: every metric the runtime exports is registered)
import pytest
import yaml
from kinerja_runtime.metrics import exported_names

FOLDER = Path(__file__).resolve().parents[2] / "deploy" / "observability"
RULES = FOLDER / "alerts.yaml"
RULE_TESTS = FOLDER / "alerts.test.yaml"
DASHBOARD = FOLDER / "grafana-dashboard.json"

PAGED_ON = {
    "KinerjaOutboxBacklogOld",
    "KinerjaConsumerLagGrowing",
    "KinerjaDeadLetter",
    "KinerjaRelayWithoutLeaseHolder",
    "KinerjaRelayLeaseUnreported",
}


def metrics_in(expr: str) -> set[str]:
    return set(re.findall(r"\bkinerja_[a-z0-9_]+", expr))


def alerts() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def dashboard_targets() -> list[tuple[str, str]]:
    """(panel title, expr) of every query of the dashboard, the variables' too."""
    board = json.loads(DASHBOARD.read_text())
    found = [(panel["title"], target["expr"]) for panel in board["panels"] for target in panel.get("targets", [])]
    found += [(f"variable {v['name']}", v["definition"]) for v in board["templating"]["list"] if v.get("definition")]
    return found


def test_the_runtime_exports_what_the_operators_questions_need():
    assert {
        "kinerja_outbox_backlog_rows",
        "kinerja_outbox_oldest_unsent_age_seconds",
        "kinerja_outbox_parked_rows",
        "kinerja_outbox_parked_total",
        "kinerja_outbox_relay_lease_held",
        "kinerja_consumer_lag_records",
        "kinerja_event_age_at_apply_seconds_bucket",
        "kinerja_event_handler_duration_seconds_bucket",
        "kinerja_dead_lettered_total",
        "kinerja_db_pool_in_use_connections",
        "kinerja_db_pool_size_connections",
        "kinerja_http_requests_total",
        "kinerja_http_request_duration_seconds_bucket",
    } <= exported_names()


def test_every_alert_names_exported_metrics_and_says_how_bad_and_what():
    rules = alerts()
    assert PAGED_ON <= {rule["alert"] for rule in rules}
    exported = exported_names()
    for rule in rules:
        named = metrics_in(rule["expr"])
        assert named, f"{rule['alert']} names no Kinerja metric"
        assert named <= exported, f"{rule['alert']} names metrics the runtime does not export: {named - exported}"
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]


def test_every_dashboard_query_names_exported_metrics():
    exported = exported_names()
    for title, expr in dashboard_targets():
        named = metrics_in(expr)
        assert named, f"{title}: {expr} names no Kinerja metric"
        assert named <= exported, f"{title} names metrics the runtime does not export: {named - exported}"


def test_the_dashboard_shows_one_service_at_a_time_with_the_operators_panels():
    board = json.loads(DASHBOARD.read_text())
    variables = {v["name"] for v in board["templating"]["list"]}
    assert {"datasource", "job"} <= variables
    for title, expr in dashboard_targets():
        if not title.startswith("variable"):
            assert 'job="$job"' in expr, f"{title} is not limited to the chosen service"
    shown = " ".join(expr for _, expr in dashboard_targets())
    for needed in (
        "kinerja_http_requests_total",  # request and error rate
        'status=~"5.."',
        "kinerja_http_request_duration_seconds_bucket",  # latency
        "kinerja_outbox_backlog_rows",
        "kinerja_outbox_oldest_unsent_age_seconds",
        "kinerja_consumer_lag_records",
        "kinerja_dead_lettered_total",
        "kinerja_db_pool_in_use_connections",
    ):
        assert needed in shown, f"the dashboard shows nothing of {needed}"
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids)), "panel ids are unique"


def test_the_rule_tests_cover_every_alert():
    tested = {
        case["alertname"]
        for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
        for case in test["alert_rule_test"]
    }
    assert tested == {rule["alert"] for rule in alerts()}


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it): "
    "the alert rules were checked by the parser tests only",
)
def test_promtool_checks_the_rules_and_every_alert_fires_when_it_should():
    for command in (["promtool", "check", "rules", RULES.name], ["promtool", "test", "rules", RULE_TESTS.name]):
        result = subprocess.run(command, cwd=FOLDER, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
