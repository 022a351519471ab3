from feedback_service.adapters.orm import metadata
from kinerja_runtime.migrations import run_env
from kinerja_runtime.roster import roster_metadata
from kinerja_runtime.tables import messaging_metadata

run_env([metadata, messaging_metadata, roster_metadata])
