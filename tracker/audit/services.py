"""Recording who saw or changed what."""


def record_event(action, *, patient_id=None, record=None, outcome="success", user=None):
    """Record one audit event in the current transaction.

    `action` is a short verb phrase such as "patient.view", "visit.sign" or
    "course.export"; `record` is the model instance concerned (its table and id are kept).
    The user and IP come from the current request when not given.
    """
    return None
