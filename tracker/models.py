"""Imports every domain's models so that `db.metadata` knows all tables."""

from tracker.auth.models import User  # noqa: F401
from tracker.clinic.models import Setting  # noqa: F401
from tracker.patients.models import Patient  # noqa: F401
