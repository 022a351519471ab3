"""target-service: roster, performance periods, SKP and realisation -> EmployeeRegistered, TargetSet, ..."""

from pathlib import Path

from kinerja_contracts import (
    EmployeeRegistered,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
)
from kinerja_runtime.app import create_service_app
from kinerja_runtime.settings import ServiceSettings

from target_service.entrypoints import http


def create_app(settings: ServiceSettings | None = None):
    settings = settings or ServiceSettings(service_name="target-service")
    return create_service_app(
        title="Kinerja target-service",
        description="Agency rosters, performance periods, SKP (RHK and IKI) and realisation.",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router],
        produces=[EmployeeRegistered, PerformancePeriodOpened, PerformancePeriodClosed, TargetSet, RealizationRecorded],
        subscribe=None,  # target-service consumes no events: it owns the roster and the periods
    )
