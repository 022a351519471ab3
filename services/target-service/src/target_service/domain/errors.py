"""What the target domain refuses, sorted by why: the entrypoints map each kind to a status."""


class Refused(Exception):
    """Base of every refusal by a domain rule; ``details`` name the objects involved."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.details = details


class InvalidInput(Refused):
    """The data breaks a rule (e.g. an SKP without a main RHK, a target of 0)."""


class NotPermitted(Refused):
    """The caller may not do this (e.g. someone other than the appraiser approves)."""


class WrongState(Refused):
    """Not possible in the current state (e.g. approving a draft, a closed period)."""


class UnknownIndicator(Refused):
    """A realisation names an IKI that is not part of the SKP."""
