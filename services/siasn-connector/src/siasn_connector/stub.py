"""A SIASN-compatible stub server, for tests and the dev stack (never for production).

- ``POST /oauth/token``: OAuth2 client credentials (HTTP Basic or form), a bearer token with
  ``expires_in``;
- ``POST /skp22``, ``/kinerja-periodik``, ``/kursus``: create a record (201 with its ``id``);
  the same ``Idempotency-Key`` again answers 200 with the record already made;
  ``PUT /<kind>/<id>``: replace it; both check the required fields and SIASN's codes and answer
  422 ``{"errors": [{"field", "message"}]}`` on a violation (an unknown field is one);
- ``GET /<kind>`` (every record it holds, with how often each was written), ``GET /<kind>/<id>``;
- ``/admin/mode``: fail every call with 503 (or another status), fail the next N calls, or answer
  record writes only after a delay (the write lands first, as when a slow SIASN's answer is lost);
  ``/admin/stats``, ``/admin/reset``, ``/admin/revoke-tokens``.

Its field lists and codes are written out here on purpose, not imported from the mapping: the
stub is the connector's independent check.

Run it: ``python -m siasn_connector stub --port 8006`` (client ``kinerja-siasn-dev``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .settings import DEV_CLIENT_ID, DEV_CLIENT_SECRET

NULLABLE_TEXT = "nullable text"
SKP22_SPEC: dict[str, str] = {
    "tahun": "year",
    "pnsDinilaiOrang": "id",
    "hasilKinerjaNilai": "code1-3",
    "perilakuKerjaNilai": "code1-3",
    "kuadranKinerjaNilai": "code1-5",
    "penilaiNama": NULLABLE_TEXT,
    "penilaiNipNrp": "nullable nip",
    "penilaiGolongan": NULLABLE_TEXT,
    "penilaiJabatan": NULLABLE_TEXT,
    "penilaiUnorNama": NULLABLE_TEXT,
    "statusPenilai": "nullable status",
}
PERIODIK_SPEC: dict[str, str] = SKP22_SPEC | {
    "periodikId": "code1-2",
    "bulanMulaiPenilaian": "month",
    "bulanSelesaiPenilaian": "month",
    "tahunMulaiPenilaian": "year",
    "tahunSelesaiPenilaian": "year",
    "koefisienId": "nullable int",
    "pnsDinilaiId": "id",
}
KURSUS_SPEC: dict[str, str] = {
    "pnsOrangId": "id",
    "jenisDiklatId": "nullable int",
    "institusiPenyelenggara": NULLABLE_TEXT,
    "nomorSertipikat": NULLABLE_TEXT,
    "tahunKursus": "year",
    "jumlahJam": "hours",
    "namaKursus": NULLABLE_TEXT,
    "tanggalKursus": "nullable date",
    "tanggalSelesaiKursus": "date",
}
SPECS = {"skp22": SKP22_SPEC, "kinerja-periodik": PERIODIK_SPEC, "kursus": KURSUS_SPEC}
NIP_NRP = re.compile(r"^\d{8,18}$")
DATE = re.compile(r"^\d{2}-\d{2}-\d{4}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(rule: str, value: Any) -> str | None:
    """The violation of one field's rule, or None."""
    nullable = rule.startswith("nullable ")
    if value is None:
        return None if nullable else "required"
    rule = rule.removeprefix("nullable ")
    if rule == "year":
        return None if _is_int(value) and 2000 <= value <= 2100 else "a year 2000-2100"
    if rule == "month":
        return None if _is_int(value) and 1 <= value <= 12 else "a month 1-12"
    if rule.startswith("code1-"):
        top = int(rule.removeprefix("code1-"))
        return None if _is_int(value) and 1 <= value <= top else f"a code 1-{top}"
    if rule == "hours":
        return None if _is_int(value) and 0 < value <= 10_000 else "a positive number of hours"
    if rule == "int":
        return None if _is_int(value) else "an integer"
    if rule == "id":
        return None if isinstance(value, str) and 0 < len(value) <= 64 else "an id (text, 1-64)"
    if rule == "text":
        return None if isinstance(value, str) and 0 < len(value) <= 300 else "text of 1-300 characters"
    if rule == "nip":
        return None if isinstance(value, str) and NIP_NRP.match(value) else "a NIP or NRP (8-18 digits)"
    if rule == "status":
        return None if value in ("ASN", "NON ASN") else "ASN or NON ASN"
    if rule == "date":
        if not isinstance(value, str) or not DATE.match(value):
            return "a date dd-mm-yyyy"
        try:
            datetime.strptime(value, "%d-%m-%Y")
        except ValueError:
            return "a date dd-mm-yyyy"
        return None
    raise AssertionError(rule)


def validate(kind: str, body: Any) -> list[dict[str, str]]:
    """Every violation of ``kind``'s fields in ``body``: required, codes, unknown fields."""
    spec = SPECS[kind]
    if not isinstance(body, dict):
        return [{"field": "(body)", "message": "a JSON object"}]
    errors = [{"field": name, "message": "unknown field"} for name in body if name not in spec]
    for name, rule in spec.items():
        if name not in body:
            errors.append({"field": name, "message": "required (null where unknown)"})
            continue
        problem = _check(rule, body[name])
        if problem:
            errors.append({"field": name, "message": problem})
    if kind == "kinerja-periodik" and not errors:
        start = (body["tahunMulaiPenilaian"], body["bulanMulaiPenilaian"])
        end = (body["tahunSelesaiPenilaian"], body["bulanSelesaiPenilaian"])
        if start > end:
            errors.append({"field": "bulanSelesaiPenilaian", "message": "not before bulanMulaiPenilaian"})
    return errors


@dataclass
class StubRecord:
    id: str
    kind: str
    data: dict[str, Any]
    created_at: float
    updated_at: float
    writes: int = 1

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "data": self.data,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "writes": self.writes,
        }


@dataclass
class StubState:
    client_id: str
    client_secret: str
    token_ttl: float
    records: dict[str, dict[str, StubRecord]] = field(default_factory=lambda: {k: {} for k in SPECS})
    idempotency: dict[tuple[str, str], str] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    fail: bool = False
    fail_status: int = 503
    fail_next: int = 0
    delay_seconds: float = 0.0
    stats: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, name: str) -> None:
        self.stats[name] = self.stats.get(name, 0) + 1

    def reset(self) -> None:
        with self.lock:
            self.records = {k: {} for k in SPECS}
            self.idempotency.clear()
            self.tokens.clear()
            self.stats.clear()
            self.fail, self.fail_status, self.fail_next, self.delay_seconds = False, 503, 0, 0.0

    def mode(self) -> dict[str, Any]:
        return {
            "fail": self.fail,
            "status": self.fail_status,
            "fail_next": self.fail_next,
            "delay_seconds": self.delay_seconds,
        }


def _problem(status: int, errors: list[dict[str, str]] | None = None, message: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status}
    if errors is not None:
        body["errors"] = errors
    if message:
        body["message"] = message
    return JSONResponse(body, status_code=status)


def create_stub_app(
    client_id: str = DEV_CLIENT_ID, client_secret: str = DEV_CLIENT_SECRET, token_ttl: float = 3600.0
) -> FastAPI:
    state = StubState(client_id, client_secret, token_ttl)
    app = FastAPI(title="SIASN-compatible stub", version="0.1.0", description=__doc__)
    app.state.stub = state

    @app.middleware("http")
    async def outage_and_delay(request: Request, call_next):
        if request.url.path.startswith("/admin"):
            return await call_next(request)
        with state.lock:
            failing = state.fail or state.fail_next > 0
            if state.fail_next > 0:
                state.fail_next -= 1
            if failing:
                state.count("failed")
            delay = state.delay_seconds
        if failing:
            return _problem(state.fail_status, message="SIASN is unavailable (stub failure mode)")
        response = await call_next(request)
        if delay and request.method in ("POST", "PUT") and request.url.path.strip("/").split("/")[0] in SPECS:
            # A slow write: the record is stored, the answer comes late (a client that gave up
            # left its write behind, as with a slow SIASN).
            await asyncio.sleep(delay)
        return response

    @app.post("/oauth/token")
    async def token(request: Request):
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode(errors="replace")).items()}
        client, secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                client, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                client = secret = None
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if not (
            client
            and secret
            and secrets.compare_digest(client, state.client_id)
            and secrets.compare_digest(secret, state.client_secret)
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        issued = secrets.token_urlsafe(24)
        with state.lock:
            state.tokens[issued] = time.time() + state.token_ttl
            state.count("tokens")
        return {"access_token": issued, "token_type": "Bearer", "expires_in": int(state.token_ttl)}

    def authorised(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return False
        expires = state.tokens.get(header[7:].strip())
        return expires is not None and expires > time.time()

    def unauthorised() -> JSONResponse:
        with state.lock:
            state.count("unauthorised")
        return JSONResponse({"error": "invalid_token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    async def body_of(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            return None

    def add_routes(kind: str) -> None:
        path = f"/{kind}"

        @app.post(path, name=f"create {kind}")
        async def create(request: Request):
            if not authorised(request):
                return unauthorised()
            body = await body_of(request)
            errors = validate(kind, body)
            key = request.headers.get("idempotency-key")
            with state.lock:
                state.count("posts")
                if key and (kind, key) in state.idempotency:
                    state.count("replayed")
                    record = state.records[kind][state.idempotency[(kind, key)]]
                    return JSONResponse(record.view(), status_code=200)
                if errors:
                    state.count("refused")
                    return _problem(422, errors)
                now = time.time()
                record = StubRecord(str(uuid.uuid4()), kind, body, now, now)
                state.records[kind][record.id] = record
                if key:
                    state.idempotency[(kind, key)] = record.id
                state.count("created")
                return JSONResponse(record.view(), status_code=201)

        @app.put(path + "/{record_id}", name=f"update {kind}")
        async def update(record_id: str, request: Request):
            if not authorised(request):
                return unauthorised()
            body = await body_of(request)
            errors = validate(kind, body)
            with state.lock:
                state.count("puts")
                record = state.records[kind].get(record_id)
                if record is None:
                    return _problem(404, message=f"no {kind} record {record_id}")
                if errors:
                    state.count("refused")
                    return _problem(422, errors)
                record.data, record.updated_at, record.writes = body, time.time(), record.writes + 1
                return record.view()

        @app.get(path, name=f"list {kind}")
        async def listing(request: Request):
            if not authorised(request):
                return unauthorised()
            with state.lock:
                items = [r.view() for r in state.records[kind].values()]
            return {"items": items, "count": len(items)}

        @app.get(path + "/{record_id}", name=f"read {kind}")
        async def read(record_id: str, request: Request):
            if not authorised(request):
                return unauthorised()
            record = state.records[kind].get(record_id)
            return record.view() if record else _problem(404, message=f"no {kind} record {record_id}")

    for kind in SPECS:
        add_routes(kind)

    @app.get("/admin/mode")
    async def get_mode() -> dict:
        return state.mode()

    @app.post("/admin/mode")
    async def set_mode(request: Request) -> dict:
        """``{"fail": true, "status": 503}``, ``{"fail_next": 3}``, ``{"delay_seconds": 2}``; omitted keys stay."""
        body = await body_of(request) or {}
        with state.lock:
            if "fail" in body:
                state.fail = bool(body["fail"])
            if "status" in body:
                state.fail_status = int(body["status"])
            if "fail_next" in body:
                state.fail_next = max(0, int(body["fail_next"]))
            if "delay_seconds" in body:
                state.delay_seconds = max(0.0, float(body["delay_seconds"]))
            return state.mode()

    @app.get("/admin/stats")
    async def stats() -> dict:
        with state.lock:
            held = {kind: len(records) for kind, records in state.records.items()}
            return {"calls": dict(state.stats), "records": held}

    @app.get("/admin/records")
    async def all_records() -> dict:
        """Every record of every kind, without a token (tests and the dev stack only)."""
        with state.lock:
            return {kind: [r.view() for r in records.values()] for kind, records in state.records.items()}

    @app.post("/admin/reset")
    async def reset() -> dict:
        state.reset()
        return {"reset": True}

    @app.post("/admin/revoke-tokens")
    async def revoke() -> dict:
        with state.lock:
            count = len(state.tokens)
            state.tokens.clear()
        return {"revoked": count}

    @app.get("/health/live")
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready")
    async def ready() -> dict:
        return {"status": "ok"}

    return app


class StubServer:
    """The stub in a background thread (uvicorn) on a loopback port: ``with StubServer() as stub: stub.url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any):
        import uvicorn

        self.app = create_stub_app(**options)
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host=host, port=port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, name="siasn-stub", daemon=True)
        self.host = host

    @property
    def state(self) -> StubState:
        return self.app.state.stub

    @property
    def url(self) -> str:
        sockets = [s for server in self.server.servers for s in server.sockets]
        return f"http://{self.host}:{sockets[0].getsockname()[1]}"

    def start(self) -> StubServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the SIASN stub did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    import os

    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m siasn_connector stub", description="Run the SIASN-compatible stub")
    parser.add_argument("--host", default=os.environ.get("HTTP_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("HTTP_PORT", "8006")))
    parser.add_argument("--client-id", default=os.environ.get("SIASN_CLIENT_ID", DEV_CLIENT_ID))
    parser.add_argument("--client-secret", default=os.environ.get("SIASN_CLIENT_SECRET", DEV_CLIENT_SECRET))
    parser.add_argument("--token-ttl", type=float, default=3600.0)
    args = parser.parse_args(argv)
    app = create_stub_app(args.client_id, args.client_secret, args.token_ttl)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
