"""Schemathesis against each service's OpenAPI (issue 8, "Tests that stay"): generated requests,
valid and invalid, to every operation of the four services in-process on PostgreSQL; no answer
may be a server error, and every answer must conform to the response schema the OpenAPI gives.

Twice per service, with HR's token of a seeded agency: once with generated path parameters (the
generic run), once with path parameters taken from that agency's records (its employees' NIPs,
SKPs, appraisals, rounds, objections, plans, its period, IKU and units), so the requests reach real
objects. Bounded and deterministic: a fixed number of examples per operation and mode, Hypothesis
derandomised, no deadline, no example database. Every server error is collected (one line per
operation and distinct answer, with the request that caused it) and reported together.
"""

import json
import time
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.spreadsheets import XLSX
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from two_agencies import Agency, ServiceStack, build_apps, seed_agency

# Schemathesis' own strategies draw from `random` (Hypothesis deprecates it; nothing to do here).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 20}


@schemathesis.serializer("text/csv")
def _csv(ctx, value):
    """The roster and catalogue imports take CSV text; generated values are sent as they are."""
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": str(value).encode("utf-8", "surrogatepass")}


@schemathesis.serializer(XLSX)
def _xlsx(ctx, value):
    """The roster import also takes an Excel workbook; generated values are sent as they are
    (never a workbook: each must be refused, never a server error)."""
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": str(value).encode("utf-8", "surrogatepass")}


@dataclass
class Failure:
    operation: str
    request: str
    status: int
    answer: str


@pytest.fixture(scope="module")
def fuzzed(broker, postgres_url_factory):
    """The four services with one seeded agency; the public survey's limits out of the way."""
    apps = build_apps(broker, postgres_url_factory, "fuzz", survey_limit=1_000_000)
    with ServiceStack(apps) as stack:
        yield stack, seed_agency(stack, "Arjasari", 0)


def seeded_parameters(agency: Agency) -> list[dict[str, str]]:
    """Path parameters naming the agency's real records, one set per person who has them (a
    parameter not named here is generated)."""
    sets = []
    for person in agency.roster:
        values = {
            "nip": person.nip,
            "skp_id": person.skp_id,
            "rhk_id": person.rhk_ids[0],
            "appraisal_id": person.appraisal_id,
            "round_id": person.round_id,
            "unit_id": person.unit_id,
            "objection_id": person.objection_id or agency["employee"].objection_id,
            "plan_id": person.plan_id or agency["employee"].plan_id,
            "item_id": person.item_id or agency["employee"].item_id,
            "period_id": agency.period_id,
            "iku_id": agency.iku_id,
            "checkpoint_id": agency.checkpoint_id,
            "agency_id": agency.agency_id,
            "number": 1,
            "event_id": person.skp_id,
        }
        sets.append(values)
    return sets


def fuzz(stack: ServiceStack, service: str, headers: dict, path_sets: list[dict] | None) -> tuple[int, list]:
    """Every operation of ``service``, ``EXAMPLES`` cases per generation mode; returns the number
    of requests sent and the failures (server errors, answers that break the schema)."""
    schema = schemathesis.openapi.from_dict(stack.openapi(service))
    base_url = stack.urls[service]
    errors: dict[tuple, Failure] = {}
    sent = 0

    for operation in (result.ok() for result in schema.get_all_operations()):
        names = [p.name for p in operation.path_parameters]
        for mode, examples in EXAMPLES.items():
            if path_sets and names:
                strategy = st.one_of(
                    *(
                        operation.as_strategy(mode, path_parameters={n: values[n] for n in names if n in values})
                        for values in path_sets
                    )
                )
            else:
                strategy = operation.as_strategy(mode)

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=["explicit", "generate"],
            )
            @given(case=strategy)
            def run(case):
                nonlocal sent
                request = case.as_transport_kwargs(base_url=base_url, headers=headers)
                response = send(stack, request)
                sent += 1
                problem = None
                if response.status_code >= 500:
                    problem = response.text[:300]
                else:
                    try:
                        case.validate_response(response, checks=[response_schema_conformance])
                    except Exception as exc:  # Schemathesis' FailureGroup: the answer breaks the schema
                        problem = f"does not conform to the schema: {str(exc)[:300]}"
                if problem:
                    key = (case.operation.label, response.status_code, problem[:120])
                    errors.setdefault(
                        key, Failure(case.operation.label, describe(request), response.status_code, problem)
                    )

            try:
                run()
            except Unsatisfiable:
                pass  # nothing invalid to send (an operation without parameters or body)
    return sent, list(errors.values())


def send(stack: ServiceStack, request: dict):
    """A requests-style call (as Schemathesis serialises a case) sent through the stack's client."""
    body = {}
    if "json" in request:
        body["json"] = request["json"]
    elif isinstance(request.get("data"), (bytes, str)):
        body["content"] = request["data"]
    elif request.get("data") is not None:
        body["data"] = request["data"]
    if request.get("files"):
        body["files"] = request["files"]
    headers = {k: str(v) for k, v in (request.get("headers") or {}).items()}
    cookies = request.get("cookies") or None
    return stack.client.request(
        request["method"], request["url"], params=request.get("params"), headers=headers, cookies=cookies, **body
    )


def describe(request: dict) -> str:
    params = request.get("params") or {}
    body = request.get("json", request.get("data"))
    shown = json.dumps(body, ensure_ascii=True, default=repr)[:300] if body is not None else ""
    return f"{request['method']} {request['url']} params={params!r} body={shown}"


SERVICES = ("target-service", "feedback-service", "appraisal-service", "training-service")


@pytest.mark.parametrize("service", SERVICES)
def test_no_server_error_on_generated_requests(fuzzed, service):
    stack, agency = fuzzed
    token = TokenIssuer(ServiceSettings()).issue(agency["hr"].nip, agency.agency_id, ["hr"])
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    generic, generic_errors = fuzz(stack, service, headers, None)
    seeded, seeded_errors = fuzz(stack, service, headers, seeded_parameters(agency))
    print(f"\n{service}: {generic} generic + {seeded} seeded requests in {time.monotonic() - started:.1f} s")
    errors = [("generic", e) for e in generic_errors] + [("seeded", e) for e in seeded_errors]
    assert not errors, f"{len(errors)} failures:\n" + "\n".join(
        f"[{run}] {e.operation}: {e.status} for {e.request}\n    -> {e.answer}" for run, e in errors
    )


# A NUL reached PostgreSQL from a query parameter in three services (found by this fuzz): every
# route now refuses it in any path or query parameter, naming the parameter.
NUL_REQUESTS = [
    ("target-service", "/employees", {"appraiser_nip": "1990\x00"}, "query.appraiser_nip"),
    ("target-service", "/skp/\x00", {}, "path.skp_id"),
    ("feedback-service", "/employees/{nip}/feedback", {"period_id": "\x00"}, "query.period_id"),
    ("appraisal-service", "/me/appraisals", {"period_id": "p\x00"}, "query.period_id"),
    ("training-service", "/employees/\x00/plans", {}, "path.nip"),
]


@pytest.mark.parametrize(("service", "path", "params", "field"), NUL_REQUESTS)
def test_a_nul_in_a_path_or_query_parameter_is_a_422_naming_it(fuzzed, service, path, params, field):
    stack, agency = fuzzed
    token = TokenIssuer(ServiceSettings()).issue(agency["hr"].nip, agency.agency_id, ["hr"])
    url = stack.urls[service] + path.replace("{nip}", agency["employee"].nip).replace("\x00", "%00")
    refused = stack.client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]
