"""The clinical core: courses, appointments, visits, points, pain scores and outcomes.

This package never imports billing or reminders; they react to its signals.
"""

from tracker.treatments import guards, settings  # noqa: F401  (session guard, clinic settings)
