"""Routes are tried in the order they are included, and a service includes its busiest first
(kinerja_runtime.app). That is only safe while no request path is served by two routes: this
lists every pair of routes where one route's path also matches another's, so a new overlap is a
decision (order it in its router), never an accident of the order routers are included in."""

import re
import typing

import pytest
from kinerja_devtools.asyncapi import broker_services
from starlette.routing import compile_path

# (method, a path, the other route's template it also matches): each within one router, where
# the literal route is declared first.
KNOWN_OVERLAPS = {
    "target-service": {("GET", "/skp/link-targets", "/skp/{skp_id}")},
    "feedback-service": {("GET", "/feedback-rounds/assigned", "/feedback-rounds/{round_id}")},
    "appraisal-service": set(),
    "training-service": set(),
}


def _app(service: str, tmp_path):
    main = __import__(f"{broker_services()[service]}.main", fromlist=["create_app"])
    settings_type = next(
        a for a in typing.get_args(typing.get_type_hints(main.create_app)["settings"]) if a is not type(None)
    )
    return main.create_app(
        settings_type(service_name=service, data_dir=tmp_path, log_json=False, kafka_bootstrap_servers="127.0.0.1:1")
    )


@pytest.mark.parametrize("service", sorted(KNOWN_OVERLAPS))
def test_no_two_routes_serve_the_same_path_but_the_known_ones(service, tmp_path):
    operations = [
        (method.upper(), path) for path, item in _app(service, tmp_path).openapi()["paths"].items() for method in item
    ]
    overlaps = {
        (method, path, template)
        for method, template in operations
        for other_method, path in operations
        if method == other_method
        and path != template
        and compile_path(template)[0].match(re.sub(r"\{[^}]+\}", "x", path))
    }
    assert overlaps == KNOWN_OVERLAPS[service]
