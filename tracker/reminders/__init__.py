"""Reminder emails: the outbox, the scheduler jobs that fill and send it, check-in links."""
