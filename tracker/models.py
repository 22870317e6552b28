"""Imports every domain's models so that `db.metadata` knows all tables."""

import tracker.audit.models
import tracker.billing.models
import tracker.reminders.models  # noqa: F401
from tracker.auth.models import User  # noqa: F401
from tracker.clinic.models import Setting  # noqa: F401
from tracker.patients.models import Patient  # noqa: F401
from tracker.treatments.models import (  # noqa: F401
    Amendment,
    Appointment,
    CalendarFeed,
    Course,
    PainCheckin,
    Point,
    Visit,
    VisitPoint,
)
