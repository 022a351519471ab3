"""A service run as its own process (uvicorn, migrations on PostgreSQL, the real broker) writes
nothing but JSON lines, uvicorn's and alembic's included, with the same fields; each request
has an access line with its route template, status, duration and the caller's agency, never
its body, path or query; probes and scrapes have none."""

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest
from kinerja_runtime.embedded_broker import free_port

pytestmark = pytest.mark.integration

NIP = "198503122010011002"
AGENCY = "dinas-pendidikan-logs"
IN_THE_PATH = "skp-of-198001012005011003"
IN_THE_QUERY = "period-of-siti-rahmawati"
IN_THE_BODY = "Menyusun laporan untuk Siti Rahmawati"
FIELDS = {"timestamp", "level", "service", "logger", "event"}


async def test_a_service_process_writes_json_lines_and_one_access_line_per_request(
    broker, postgres_url_factory, token, tmp_path, eventually
):
    port = free_port()
    env = {
        **os.environ,
        **broker.client_env,
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "DATABASE_URL": postgres_url_factory("json-logs"),
        "DATA_DIR": str(tmp_path),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "INFO",
        "LOG_JSON": "true",
    }
    output = tmp_path / "target-service.log"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "target_service"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:

            async def live():
                assert process.poll() is None, f"the service exited:\n{output.read_text()[-3000:]}"
                try:
                    assert (await client.get("/health/live")).status_code == 200
                except httpx.TransportError as exc:
                    raise AssertionError(f"not answering yet: {exc!r}") from exc

            await eventually(live, timeout=120, interval=0.5, what="target-service answering")
            employee = {"Authorization": f"Bearer {token(NIP, AGENCY, ['employee'])}"}
            read = await client.get(f"/skp/{IN_THE_PATH}", params={"period_id": IN_THE_QUERY}, headers=employee)
            drafted = await client.post(
                "/skp", json={"period_id": IN_THE_QUERY, "rhk": [{"text": IN_THE_BODY}]}, headers=employee
            )
            for probe in ("/health/live", "/health/ready", "/metrics"):
                await client.get(probe)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    text = output.read_text()
    not_json = [line for line in text.splitlines() if line.strip() and not _is_json_object(line)]
    assert not not_json, f"lines that are not JSON: {not_json[:5]}"
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    for line in lines:
        assert FIELDS <= line.keys(), line
        assert line["service"] == "target-service", line
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "alembic.runtime.migration"} <= loggers, loggers

    access = [line for line in lines if line["logger"] == "kinerja_runtime.http.access"]
    assert [(a["method"], a["route"], a["status"]) for a in access] == [
        ("GET", "/skp/{skp_id}", read.status_code),
        ("POST", "/skp", drafted.status_code),
    ], "one line per request, none for probes and scrapes"
    assert access[0]["agency"] == AGENCY and access[0]["duration_ms"] >= 0
    assert all(a["event"] == "request" and "correlation_id" in a for a in access)
    for personal in (IN_THE_PATH, IN_THE_QUERY, IN_THE_BODY, NIP):
        assert personal not in text, f"{personal!r} was logged"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
