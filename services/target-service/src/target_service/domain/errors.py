"""What the target domain refuses beyond the runtime's kinds (:mod:`kinerja_runtime.refusals`:
InvalidInput, NotPermitted, NotFound, WrongState, which the domain raises directly)."""

from kinerja_runtime.refusals import NotFound


class UnknownIndicator(NotFound):
    """A realisation or a feedback note names an IKI or RHK that is not part of the SKP."""
