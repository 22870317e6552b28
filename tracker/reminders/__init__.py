"""Reminder emails: the outbox, the scheduler jobs that fill and send it, check-in links.

Importing the package registers its clinic settings and subscribes to the clinical
core's signals.
"""

from tracker.reminders import settings, signals  # noqa: F401
