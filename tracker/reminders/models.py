"""reminders tables."""
