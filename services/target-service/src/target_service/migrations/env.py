from kinerja_runtime.migrations import run_env
from kinerja_runtime.tables import messaging_metadata
from target_service.adapters.orm import metadata

run_env([metadata, messaging_metadata])
