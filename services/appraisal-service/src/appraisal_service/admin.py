"""What kinerja-admin (the operators' CLI) needs of appraisal-service, found through the
``kinerja.services`` entry point in its pyproject: its projections are the roster and the
targets, realisations, feedback answers and citizens' ratings (service_layer/projection.py)."""

from kinerja_runtime.admin.services import AdminService
from kinerja_runtime.roster import roster_metadata

from appraisal_service.adapters import orm
from appraisal_service.main import create_app

SERVICE = AdminService(
    create_app=create_app,
    tables=orm.metadata,
    projections=(
        *roster_metadata.sorted_tables,
        orm.targets,
        orm.realizations,
        orm.feedback_answers,
        orm.citizen_ratings,
    ),
)
