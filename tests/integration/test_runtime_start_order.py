"""A service's start hook (``on_migrated``) runs before its consumers start: a fresh replica
replaying a year of topics must not apply events against state the hook has yet to make
(training-service seeds its catalogue there; a low appraisal applied before the seed found no
catalogue item, was retried and could be dead-lettered)."""

import uuid

import pytest
from kinerja_contracts import RecognitionGiven

pytestmark = pytest.mark.integration


async def test_the_start_hook_runs_before_any_event_is_consumed(broker, database_url, running):
    from kinerja_runtime.app import create_service_app
    from kinerja_runtime.settings import ServiceSettings
    from training_service.adapters import orm
    from training_service.main import MIGRATIONS

    broker_running_in_hook = []

    async def hook(runtime) -> None:
        broker_running_in_hook.append(runtime.broker.running)

    async def recognitions(batch, uow) -> None:
        pass  # a subscription, so that the service has a consumer to start

    app = create_service_app(
        title="start order",
        description="a service with a start hook and a consumer",
        settings=ServiceSettings(
            service_name="training-service",
            database_url=database_url,
            consumer_group=f"start-order-{uuid.uuid4().hex[:8]}",
            kafka_bootstrap_servers=broker.bootstrap_servers,
            log_json=False,
            log_level="WARNING",
        ),
        migrations=MIGRATIONS,
        tables=orm.metadata,
        routers=[],
        subscribe=lambda consumer: consumer.project(RecognitionGiven, recognitions),
        on_migrated=hook,
    )
    async with running(app):
        assert app.state.runtime.broker.running, "the consumers run once the service has started"
    assert broker_running_in_hook == [False], "the hook ran once, before the consumers started"
