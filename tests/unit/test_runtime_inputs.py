"""Request bodies and path and query parameters refuse what PostgreSQL cannot store, naming the
field; offsets are bounded."""

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from kinerja_runtime.inputs import MAX_OFFSET, Offset, RequestBody, refuse_nul_parameters
from kinerja_runtime.problems import install_problem_handlers
from pydantic import ValidationError


class Note(RequestBody):
    text: str
    tags: list[str] = []


def test_a_nul_character_in_any_string_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        Note(text="ok", tags=["fine", "bad\x00"])
    assert refused.value.errors()[0]["loc"][0] == "tags"
    with pytest.raises(ValidationError):
        Note(text="a\x00b")
    assert Note(text="tidak apa-apa", tags=["ok"]).text == "tidak apa-apa"


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        Note(text="x", extra="y")


def test_an_offset_past_the_bound_is_a_422_naming_it():
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/rows")
    async def rows(offset: Offset = 0):
        return {"offset": offset}

    client = TestClient(app)
    assert client.get("/rows", params={"offset": MAX_OFFSET}).json() == {"offset": MAX_OFFSET}
    refused = client.get("/rows", params={"offset": 10**20})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("offset")


def test_a_nul_in_a_path_or_query_parameter_is_a_422_naming_it():
    app = FastAPI(dependencies=[Depends(refuse_nul_parameters)])
    install_problem_handlers(app)

    @app.get("/skp/{skp_id}")
    async def skp(skp_id: str, period_id: str | None = None):
        return {"skp_id": skp_id, "period_id": period_id}

    client = TestClient(app)
    assert client.get("/skp/s-1", params={"period_id": "p-1"}).json() == {"skp_id": "s-1", "period_id": "p-1"}
    in_query = client.get("/skp/s-1", params={"period_id": "p\x00-1"})
    assert in_query.status_code == 422
    assert [e["field"] for e in in_query.json()["errors"]] == ["query.period_id"]
    in_path = client.get("/skp/s%00-1")
    assert in_path.status_code == 422
    assert [e["field"] for e in in_path.json()["errors"]] == ["path.skp_id"]
    assert "\x00" not in in_path.text, "the refusal does not echo the value"
