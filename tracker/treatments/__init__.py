"""The clinical core: courses, appointments, visits, points, pain scores and outcomes.

This package never imports billing or reminders; they react to its signals.
"""

from tracker.treatments import settings  # noqa: F401  (registers the clinic settings)
