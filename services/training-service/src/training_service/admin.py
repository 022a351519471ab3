"""What kinerja-admin (the operators' CLI) needs of training-service, found through the
``kinerja.services`` entry point in its pyproject: its projections are the roster and the
recognitions (the talent pool's evidence)."""

from kinerja_runtime.admin.services import AdminService
from kinerja_runtime.roster import roster_metadata

from training_service.adapters import orm
from training_service.main import create_app

SERVICE = AdminService(
    create_app=create_app,
    tables=orm.metadata,
    projections=(*roster_metadata.sorted_tables, orm.recognitions),
)
