"""kinerja-admin: the operators' command line (docs/operations-cli.md).

It runs where a service runs (the runtime is in every service image), with the service's
environment, and finds the service it is told to work on through the ``kinerja.services``
entry points (:mod:`kinerja_runtime.admin.services`), never by importing a service.

* :mod:`.outbox_commands`: queue published rows again after a broker lost data; parked rows.
* :mod:`.deadletters`: read, show and replay the dead-letter topic's records.
* :mod:`.rebuild`: rebuild a service's projections from the topics.
* :mod:`.cli`: the argument parser and the console script.
"""
