"""Errors of the clinical core, each phrased for the person who can act on it."""


class TreatmentError(ValueError):
    """A rule of the clinical core was not met; nothing was written.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class ConflictError(TreatmentError):
    """Someone else saved the record after this form was loaded."""

    def __init__(self, message=None):
        super().__init__(message or (
            "Someone else changed this record while you were editing it. Your changes were "
            "not saved; reload the page to see theirs, then make your change again."))


class VisitLockedError(TreatmentError):
    """A signed visit is never edited in place: corrections are amendments."""

    def __init__(self, message=None):
        super().__init__(message or (
            "This visit is signed and can no longer be edited. To correct it, add an "
            "amendment: it records who changed what, when and why."))


class ProblemsError(TreatmentError):
    """Several problems at once, keyed by what they concern (a field, a point, a row)."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


class SafetyError(ProblemsError):
    """A safety caution applies and no override reason was given."""


class BookingError(ProblemsError):
    """Proposed times clash with clinic hours or other bookings; keyed by row index."""
