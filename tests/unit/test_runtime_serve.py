"""``python -m <service>`` serves with the heap built at start frozen: the objects made while
importing and building the app live as long as the process, and a consumer's full collections
walked them over and over (a third of training-service's CPU in a replay)."""

import gc

import pytest
from kinerja_runtime import serve
from kinerja_runtime.settings import ServiceSettings


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_heap_built_at_start_is_frozen_before_the_server_runs(monkeypatch, unfrozen):
    seen = []

    def run(app, **_):
        cycle: list = []
        cycle.append(cycle)  # garbage made while serving, reachable only from itself
        del cycle
        seen.append((gc.get_freeze_count(), gc.collect()))

    monkeypatch.setattr(serve.uvicorn, "run", run)
    serve.serve(object(), ServiceSettings(service_name="training-service"))

    ((frozen, collected),) = seen
    assert frozen > 0, "what existed when the server started is out of the collector's reach"
    assert collected >= 1, "what is made afterwards is still collected"
