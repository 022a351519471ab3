"""The portal's probes and its Server-Timing header, on fake services (httpx.MockTransport)."""

import re

import httpx
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.settings import SERVICES, PortalSettings


def services(down: str | None = None):
    def answer_as(name: str):
        def answer(request: httpx.Request) -> httpx.Response:
            if name == down:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200, json={"status": "live"})

        return answer

    return {name: httpx.MockTransport(answer_as(name)) for name in SERVICES}


def test_live_answers_without_asking_the_services():
    with TestClient(create_app(PortalSettings(), services(down="target-service"))) as portal:
        assert portal.get("/health/live").status_code == 200


def test_ready_when_the_four_services_answer():
    with TestClient(create_app(PortalSettings(), services())) as portal:
        answer = portal.get("/health/ready")
    assert answer.status_code == 200 and answer.json() == {"status": "ready"}


def test_not_ready_names_the_service_it_cannot_reach():
    with TestClient(create_app(PortalSettings(), services(down="appraisal-service"))) as portal:
        answer = portal.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["unreachable"] == ["appraisal-service"]


def test_every_page_says_its_server_time():
    with TestClient(create_app(PortalSettings(dev_agency=""), services())) as portal:
        page = portal.get("/masuk")
    assert page.status_code == 200
    assert re.fullmatch(r"app;dur=\d+\.\d", page.headers["Server-Timing"])
