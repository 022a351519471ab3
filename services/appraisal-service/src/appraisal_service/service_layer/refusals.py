"""What a caller is told when an object is missing or not theirs to see (issue 8, item 6).

A refused read answers word for word like a missing object, so a 404 never tells whether
the object exists; no detail names an id, a NIP or any value of a person.
"""

from kinerja_runtime.problems import NotFound

NO_APPRAISAL = "no such appraisal"
NO_OBJECTION = "no such objection"
NO_EMPLOYEE = "no such employee"


def no_appraisal() -> NotFound:
    return NotFound(NO_APPRAISAL)


def no_objection() -> NotFound:
    return NotFound(NO_OBJECTION)


def no_employee() -> NotFound:
    return NotFound(NO_EMPLOYEE)
