"""Request bodies refuse what PostgreSQL cannot store, naming the field; offsets are bounded."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kinerja_runtime.inputs import MAX_OFFSET, Offset, RequestBody
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
