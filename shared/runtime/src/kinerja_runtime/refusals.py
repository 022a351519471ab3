"""What a service refuses, sorted by why: one vocabulary for every service's domain and service layer.

A refusal says what is wrong in the domain's words and names the objects involved
(``details``); it knows nothing of HTTP. The runtime maps each kind to a problem+json answer
once (:mod:`kinerja_runtime.problems`), so a use case raises ``WrongState`` and the caller sees
409 whether it came over HTTP or not. Subclass a kind for a more precise reason; never give a
kind a status code.
"""


class Refused(Exception):
    """Base of every refusal; ``details`` become the problem's extensions (never a NIP or id of
    something the caller may not see: a refusal answers like a missing object, issue 8)."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


class InvalidInput(Refused):
    """The data breaks a rule (an SKP without a main RHK, a target of 0, a date outside its year)."""


class NotPermitted(Refused):
    """The caller may not do this (someone other than the appraiser approves)."""


class NotFound(Refused):
    """No such object for this caller: missing, or not theirs to see (the two answer alike)."""


class WrongState(Refused):
    """Not possible in the current state (approving a draft, a closed period, changed meanwhile)."""


class TooLarge(Refused):
    """What was sent, or the event it would make, is over a documented bound."""


class Unauthenticated(Refused):
    """No valid credentials: who calls is not known."""


class UnsupportedFormat(Refused):
    """The request's media type cannot be read."""


class TooMany(Refused):
    """Over a rate or quota; try again later."""


class Unavailable(Refused):
    """A part this needs (the rate-limit store) does not answer now; try again later."""
