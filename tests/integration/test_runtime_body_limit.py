"""Every route's request body is bounded (HTTP_MAX_BODY_BYTES, 1 MiB by default; issue 8 items 8
and 10): a larger body is refused with 413 problem+json naming the limit, whether its length is
announced or it streams in chunks without one, and a chunked body is not read past the limit.
A route that declares its own allowance (the CSV roster import's 8 MiB) takes its larger body."""

import json

import pytest
from kinerja_runtime.settings import ServiceSettings

pytestmark = pytest.mark.integration

HR = "196805051990031001"
MIB = 1024 * 1024
CHUNK = 64 * 1024


def employee(n: int) -> dict:
    return {
        "nip": f"19900101{2000 + n // 1000:04d}011{n % 1000:03d}",
        "name": f"Pegawai {n:04d} " + "a" * 180,
        "position": "Analis " + "b" * 180,
        "unit": "Bidang Umum",
    }


def roster(size: int) -> bytes:
    """A valid roster of just over ``size`` bytes."""
    count = size // len(json.dumps(employee(0))) + 1
    return json.dumps({"employees": [employee(n) for n in range(count)]}).encode()


def assert_too_large(response, limit: int) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413 and problem["maximum"] == limit and problem["limit"] == "max_body_bytes"
    assert f"at most {limit} bytes" in problem["detail"]


class Chunks:
    """A request body streamed in chunks (no Content-Length); counts the chunks the server pulled."""

    def __init__(self, body: bytes):
        self.body, self.pulled = body, 0

    async def __aiter__(self):
        for start in range(0, len(self.body), CHUNK):
            self.pulled += 1
            yield self.body[start : start + CHUNK]

    @property
    def total(self) -> int:
        return -(-len(self.body) // CHUNK)


async def test_a_json_body_over_the_limit_is_refused_announced_or_streamed_and_nothing_is_stored(
    target_app,
    running,
    as_,
):
    body = roster(2 * MIB)
    assert len(body) > 2 * MIB and len(json.loads(body)["employees"]) <= 5000, "a roster the route would take"
    hr = {**as_(HR, "hr"), "content-type": "application/json"}
    async with running(target_app) as client:
        announced = await client.post("/employees", content=body, headers=hr)
        assert_too_large(announced, MIB)

        streamed = Chunks(body)
        refused = await client.post("/employees", content=streamed, headers=hr)
        assert "content-length" not in {k.lower() for k in refused.request.headers}, "sent chunked"
        assert_too_large(refused, MIB)
        assert streamed.pulled <= MIB // CHUNK + 1 < streamed.total, "reading stopped at the limit"

        # A body with no place for one is bounded by its announced length too.
        no_body_route = await client.request("GET", "/employees", content=body, headers=hr)
        assert_too_large(no_body_route, MIB)

        listed = await client.get("/employees", headers=as_(HR, "hr"))
        assert listed.status_code == 200 and listed.json()["total"] == 0, "nothing of the refused rosters stored"
        small = await client.post("/employees", content=roster(100_000), headers=hr)
        assert small.status_code == 200, small.text


async def test_the_csv_roster_import_takes_its_larger_allowance_and_no_more(target_app, running, as_):
    header = b"nip,name,position,unit\n"
    rows = b"".join(f"19900101{2000 + n:04d}011{n:03d},Pegawai {n},Analis,Bidang Umum\n".encode() for n in range(20))
    padding = (b" " * 1023 + b"\n") * (2 * MIB // 1024)  # blank lines, skipped by the reader
    csv = {**as_(HR, "hr"), "content-type": "text/csv"}
    async with running(target_app) as client:
        imported = await client.post("/employees/import", content=header + rows + padding, headers=csv)
        assert imported.status_code == 200, imported.text
        assert imported.json()["registered"] == 20 and imported.json()["errors"] == []

        streamed = await client.post("/employees/import", content=Chunks(header + rows + padding), headers=csv)
        assert streamed.status_code == 200 and streamed.json()["unchanged"] == 20, streamed.text

        too_big = await client.post("/employees/import", content=header + rows + padding * 5, headers=csv)
        assert_too_large(too_big, 8 * MIB)


async def test_the_limit_is_a_setting(broker, database_url, running, as_):
    from target_service.main import create_app

    app = create_app(
        ServiceSettings(
            service_name="target-service",
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            log_json=False,
            log_level="WARNING",
            http_max_body_bytes=4096,
        )
    )
    async with running(app) as client:
        refused = await client.post(
            "/employees", content=roster(5000), headers={**as_(HR, "hr"), "content-type": "application/json"}
        )
        assert_too_large(refused, 4096)
        csv = b"nip,name,position,unit\n199001012020011001,Siti,Analis,Umum\n" + b" \n" * 5000
        imported = await client.post(
            "/employees/import", content=csv, headers={**as_(HR, "hr"), "content-type": "text/csv"}
        )
        assert imported.status_code == 200, "a route's own allowance does not follow the default down"
