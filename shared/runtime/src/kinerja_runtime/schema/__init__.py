"""The runtime's own tables, migrated once: one Alembic branch per group of tables every
service (or every roster consumer) holds, instead of a copy of their DDL in each service's
migrations (docs/adr/0012-shared-tables-migrate-once.md).

* ``delivery/``: the outbox (with its parking columns), the inbox and the relay lease
  (kinerja_runtime.tables). Every service.
* ``access_log/``: the access log (kinerja_runtime.tables.access_log). Every service.
* ``roster/``: the roster projection (kinerja_runtime.roster). The services that consume
  target-service's roster events; target-service owns its roster and keeps none.

Each folder is a version location with a branch label of its name. A service takes a branch by
naming one of its revisions in ``depends_on`` (the service revision that used to create those
tables names the branch revision that now does); kinerja_runtime.migrations adds the folders
of the branches a service's history depends on to its Alembic configuration, so that its
``heads`` are its own head and those branches' heads.
"""

from pathlib import Path

BRANCHES = {
    folder.name: folder
    for folder in sorted(Path(__file__).resolve().parent.iterdir())
    if folder.is_dir() and not folder.name.startswith(("_", "."))
}
