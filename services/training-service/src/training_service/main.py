"""training-service: development plans from appraisal gaps, the catalogue, the JP ledger
and the talent pool -> DevelopmentPlanCreated, DevelopmentPlanRevised, TrainingCompleted,
TalentPoolNominated, TalentPoolWithdrawn."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kinerja_contracts import (
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    TalentPoolNominated,
    TalentPoolWithdrawn,
    TrainingCompleted,
)
from kinerja_runtime import access_log
from kinerja_runtime.app import ServiceRuntime, create_service_app
from kinerja_runtime.clock import Clock
from kinerja_runtime.settings import ServiceSettings

from training_service.adapters import orm
from training_service.entrypoints import (
    events,
    http_catalogue,
    http_development,
    http_exports,
    http_province,
    http_training,
)
from training_service.service_layer import catalogue
from training_service.service_layer.unit_of_work import TrainingUnitOfWork


async def seed_catalogue(runtime: ServiceRuntime) -> None:
    await catalogue.seed(runtime.uows())


MIGRATIONS = Path(__file__).parent / "migrations"
"""The service's Alembic history: migrated at start, or by `python -m training_service migrate`."""


def create_app(settings: ServiceSettings | None = None, clock: Callable[[], datetime] | None = None):
    """``clock``: returns the current (aware) datetime; tests pass one they move by hand."""
    settings = settings or ServiceSettings(service_name="training-service")
    return create_service_app(
        title="Kinerja training-service",
        description="Individual development plans, the training catalogue, the JP ledger and the talent pool.",
        settings=settings,
        tables=orm.metadata,
        migrations=MIGRATIONS,
        routers=[
            http_development.router,
            http_training.router,
            http_catalogue.router,
            http_province.router,
            http_exports.router,
            access_log.router(),
        ],
        produces=[
            DevelopmentPlanCreated,
            DevelopmentPlanRevised,
            TrainingCompleted,
            TalentPoolNominated,
            TalentPoolWithdrawn,
        ],
        subscribe=events.subscribe,
        on_migrated=seed_catalogue,
        unit_of_work=TrainingUnitOfWork,
        clock=Clock(clock, zone=settings.default_zone()) if clock is not None else None,
    )
