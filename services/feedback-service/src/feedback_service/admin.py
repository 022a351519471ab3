"""What kinerja-admin (the operators' CLI) needs of feedback-service, found through the
``kinerja.services`` entry point in its pyproject: its projection is the roster."""

from kinerja_runtime.admin.services import AdminService
from kinerja_runtime.roster import roster_metadata

from feedback_service.adapters.orm import metadata
from feedback_service.main import create_app

SERVICE = AdminService(create_app=create_app, tables=metadata, projections=tuple(roster_metadata.sorted_tables))
