"""target-service: the agency registry, organisation and roster, performance periods and IKU,
SKP and realisation -> AgencyRegistered, EmployeeRegistered, EmployeeTransferred, WorkUnitDefined,
TargetSet, TargetRevised, ..."""

from pathlib import Path

from kinerja_contracts import (
    AgencyRegistered,
    EmployeePeriodClosed,
    EmployeeRegistered,
    EmployeeTransferred,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetRevised,
    TargetSet,
    WorkUnitDefined,
)
from kinerja_runtime import access_log
from kinerja_runtime.app import create_service_app
from kinerja_runtime.settings import ServiceSettings

from target_service.adapters import orm
from target_service.adapters.roster import employee_on_roster
from target_service.entrypoints import (
    http_agencies,
    http_organisation,
    http_periods,
    http_province,
    http_roster,
    http_skp,
    http_transfers,
)
from target_service.service_layer.unit_of_work import TargetUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"
"""The service's Alembic history: migrated at start, or by `python -m target_service migrate`."""


def create_app(settings: ServiceSettings | None = None):
    settings = settings or ServiceSettings(service_name="target-service")
    return create_service_app(
        title="Kinerja target-service",
        description="Work units and rosters, performance periods with checkpoints and IKU, cascaded SKP (RHK and IKI) "
        "with versions, realisation and continuous feedback.",
        settings=settings,
        tables=orm.metadata,
        migrations=MIGRATIONS,
        # The SKP routes first: they serve most of the year's requests (drafts, approvals,
        # realisations), and FastAPI tries routes in order.
        routers=[
            http_skp.router,
            http_agencies.router,
            http_organisation.router,
            http_roster.router,
            http_transfers.router,
            http_periods.router,
            http_province.router,
            access_log.router(employee=employee_on_roster),
        ],
        produces=[
            AgencyRegistered,
            EmployeeRegistered,
            EmployeeTransferred,
            WorkUnitDefined,
            PerformancePeriodOpened,
            PerformancePeriodClosed,
            EmployeePeriodClosed,
            TargetSet,
            TargetRevised,
            RealizationRecorded,
        ],
        subscribe=None,  # target-service consumes no events: it owns the roster and the periods
        unit_of_work=TargetUnitOfWork,
    )
