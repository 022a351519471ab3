"""What kinerja-admin (the operators' CLI) needs of target-service, found through the
``kinerja.services`` entry point in its pyproject. target-service consumes no events, so it
keeps no projection to rebuild."""

from kinerja_runtime.admin.services import AdminService

from target_service.adapters.orm import metadata
from target_service.main import create_app

SERVICE = AdminService(create_app=create_app, tables=metadata)
