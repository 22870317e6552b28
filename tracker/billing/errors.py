class BillingError(ValueError):
    """A billing action that cannot be done, with a message the person can act on.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field
