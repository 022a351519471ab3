"""Traces on the embedded broker and PostgreSQL (ADR 0014): one period close is one trace from
target-service's request through appraisal-service (the close applied, the proposal, the
appraiser's confirmation) to training-service reacting to the result; the context is stored
with the outbox row and travels as the ``ce_traceparent`` header; probes, scrapes and the
relay's housekeeping make no spans; no span names an employee.

The three services run in this process, each with its own tracer provider, exporting to the
SDK's in-memory exporter (named for OTEL_TRACES_EXPORTER through kinerja_runtime.telemetry)."""

import json
import zlib

import pytest
from kinerja_runtime import telemetry
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

pytestmark = pytest.mark.integration

HR, BUDI, ATASAN = "196805051990031001", "197801012005011001", "196505051990031001"
NIPS = (HR, BUDI, ATASAN)
IKU = {"code": "IKU-1", "description": "Waktu respon pengaduan", "target": 14, "unit": "hari"}
RHK = {
    "kind": "utama",
    "description": "Terselesaikannya pengaduan masyarakat",
    "indikator": [{"aspect": "kuantitas", "description": "Pengaduan diselesaikan", "target": 120, "unit": "pengaduan"}],
}


@pytest.fixture
def exported(monkeypatch) -> InMemorySpanExporter:
    """Apps created after this export their spans here (as OTEL_TRACES_EXPORTER=memory would)."""
    exporter = InMemorySpanExporter()
    for name in ("OTEL_SDK_DISABLED", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_SAMPLER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "memory")
    monkeypatch.setitem(telemetry.EXPORTERS, "memory", lambda _environ: exporter)
    return exporter


@pytest.fixture
def services(exported, broker, postgres_url_factory, request):
    """target-, appraisal- and training-service apps (not started), each on its own database."""
    from appraisal_service.main import create_app as appraisal
    from appraisal_service.settings import AppraisalSettings
    from kinerja_runtime.settings import ServiceSettings
    from target_service.main import create_app as target
    from training_service.main import create_app as training

    def settings(kind, name: str, **extra):
        url = postgres_url_factory(f"{request.node.name}-{name}")
        return kind(
            service_name=name,
            database_url=url,
            consumer_group=f"{name}-{zlib.crc32(url.encode()):08x}",
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
            **extra,
        )

    return (
        target(settings(ServiceSettings, "target-service")),
        appraisal(settings(AppraisalSettings, "appraisal-service", appraisal_settle_seconds=0.0)),
        training(settings(ServiceSettings, "training-service")),
    )


async def test_one_period_close_is_one_trace_from_target_through_appraisal_to_training(
    services, exported, running, as_, eventually, read_topic, sql, agency
):
    target_app, appraisal_app, training_app = services
    hr, budi, atasan = as_(HR, "hr"), as_(BUDI, "appraiser"), as_(ATASAN, "appraiser")
    async with running(target_app) as target, running(appraisal_app) as appraisal, running(training_app) as training:
        # Budi heads the agency (his appraiser is outside it) and has an approved SKP.
        roster = {
            "employees": [
                {
                    "nip": BUDI,
                    "name": "Budi Santoso",
                    "position": "Kepala Dinas",
                    "unit": "Dinas",
                    "appraiser_nip": ATASAN,
                }
            ]
        }
        assert (await target.post("/employees", json=roster, headers=hr)).status_code == 200
        period_id = (await target.post("/periods", json={"year": 2025}, headers=hr)).json()["period_id"]
        iku = (await target.post(f"/periods/{period_id}/iku", json=IKU, headers=hr)).json()
        skp = (
            await target.post(
                "/skp", json={"period_id": period_id, "rhk": [{**RHK, "iku_id": iku["iku_id"]}]}, headers=budi
            )
        ).json()
        assert (await target.post(f"/skp/{skp['skp_id']}/submit", headers=budi)).status_code == 200
        assert (await target.post(f"/skp/{skp['skp_id']}/approve", headers=atasan)).status_code == 200

        async def appraisal_has_the_skp():
            inputs = await appraisal.get(f"/periods/{period_id}/employees/{BUDI}/inputs", headers=hr)
            assert inputs.status_code == 200 and inputs.json()["skp_version"] == 1, inputs.text

        await eventually(appraisal_has_the_skp, timeout=60, interval=0.2, what="appraisal-service holds the SKP")

        # Probes and scrapes are not traffic: no span, whichever service answers them.
        for client in (target, appraisal, training):
            assert (await client.get("/health/live")).status_code == 200
            assert (await client.get("/health/ready")).status_code == 200
            assert (await client.get("/metrics")).status_code == 200

        assert (await target.post(f"/periods/{period_id}/close", headers=hr)).status_code == 200

        async def proposed():
            listed = (await appraisal.get(f"/periods/{period_id}/appraisals", headers=hr)).json()["appraisals"]
            assert [a["status"] for a in listed] == ["proposed"], listed
            return listed[0]

        proposal = await eventually(proposed, timeout=60, interval=0.2, what="the proposal after the close")
        confirmed = await appraisal.post(f"/appraisals/{proposal['appraisal_id']}/confirm", json={}, headers=atasan)
        assert confirmed.status_code == 200, confirmed.text

        async def training_decided():
            decisions = (await training.get(f"/periods/{period_id}/plan-decisions", headers=hr)).json()["decisions"]
            assert len(decisions) == 1, decisions

        await eventually(training_decided, timeout=60, interval=0.2, what="training-service's plan decision")
        closed_records = await read_topic(
            "kinerja.targets",
            until=lambda rs: any(r.headers["ce_type"].endswith("EmployeePeriodClosed.v1") for r in rs),
            timeout=30,
            where=lambda r: r.headers.get("ce_agency") == agency,
        )
        target_outbox = target_app.state.runtime.settings.resolved_database_url()
        for app in services:
            app.state.runtime.tracing.flush()

    spans = exported.get_finished_spans()
    service = {id(s): s.resource.attributes["service.name"] for s in spans}
    close = [s for s in spans if s.kind is SpanKind.SERVER and s.name == "POST /periods/{period_id}/close"]
    assert len(close) == 1, [s.name for s in spans if s.kind is SpanKind.SERVER]
    close = close[0]
    trace_id = close.context.trace_id
    in_trace = [s for s in spans if s.context.trace_id == trace_id]
    by_id = {s.context.span_id: s for s in in_trace}

    def chain(span) -> list[str]:
        """The span's ancestors up to the trace's root, each as "service: name"."""
        names = []
        while span is not None:
            names.append(f"{service[id(span)]}: {span.name}")
            span = by_id.get(span.parent.span_id) if span.parent else None
        return names

    # The close's context is stored with the outbox row and sent as ce_traceparent.
    traceparent = f"00-{trace_id:032x}-{close.context.span_id:016x}-{close.context.trace_flags:02x}"
    closed_event = next(r for r in closed_records if r.headers["ce_type"].endswith("EmployeePeriodClosed.v1"))
    assert closed_event.headers["ce_traceparent"] == traceparent
    rows = await sql(target_outbox, "SELECT headers FROM outbox WHERE event_id = :id", id=closed_event.headers["ce_id"])
    stored = rows[0]["headers"]  # JSON read with plain SQL: text on some drivers, decoded on others
    assert (json.loads(stored) if isinstance(stored, str) else stored)["ce_traceparent"] == traceparent

    # training-service's reaction descends, span by span, from target-service's request.
    reacted = [
        s
        for s in in_trace
        if service[id(s)] == "training-service" and s.name.startswith("apply ") and "AppraisalCompleted" in s.name
    ]
    assert len(reacted) == 1, sorted(f"{service[id(s)]}: {s.name}" for s in in_trace)
    ancestry = chain(reacted[0])
    assert ancestry[-1] == "target-service: POST /periods/{period_id}/close", ancestry
    assert "appraisal-service: confirm appraisal" in ancestry, ancestry
    assert any(a.startswith("appraisal-service: apply ") and "EmployeePeriodClosed" in a for a in ancestry), ancestry
    assert any(s.name == "propose appraisal" and service[id(s)] == "appraisal-service" for s in in_trace)
    assert {service[id(s)] for s in in_trace} == {"target-service", "appraisal-service", "training-service"}
    # The appraiser's request is its own trace, linked from the confirmation.
    confirm = next(s for s in in_trace if s.name == "confirm appraisal")
    request = next(
        s for s in spans if s.kind is SpanKind.SERVER and s.name == "POST /appraisals/{appraisal_id}/confirm"
    )
    assert request.context.trace_id != trace_id
    assert [link.context.span_id for link in confirm.links] == [request.context.span_id]

    assert not [s.name for s in spans if "/health/" in s.name or "/metrics" in s.name]
    # A statement outside a request or an event (the relay's polling, the lease) starts no trace.
    assert all(s.parent is not None for s in spans if s.kind is SpanKind.CLIENT)
    # No span names an employee: not in its name, its attributes, its links, its events or its status.
    for s in spans:
        seen = " ".join(
            [
                s.name,
                *map(str, s.attributes.values()),
                *(str(a) for link in s.links for a in link.attributes.values()),
                *(f"{e.name} {v}" for e in s.events for v in (e.attributes or {}).values()),
                str(s.status.description),
            ]
        )
        assert not any(nip in seen for nip in NIPS), (s.name, dict(s.attributes))
