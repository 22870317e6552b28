"""The main navigation: one list, filtered by role and by the pages that exist."""

from flask import current_app
from flask_login import current_user

#: (endpoint, label, roles that see it)
NAV_ITEMS = [
    ("portal.home", "My progress", {"patient"}),
    ("treatments.schedule", "Schedule", {"practitioner", "admin"}),
    ("patients.index", "Patients", {"practitioner", "admin"}),
    ("progress.outcomes", "Outcomes", {"practitioner", "admin"}),
    ("billing.report", "Billing", {"admin", "practitioner"}),
    ("reminders.outbox", "Reminders", {"admin"}),
    ("audit.events", "Audit", {"admin"}),
    ("clinic.settings", "Settings", {"admin"}),
]


def nav_items():
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAV_ITEMS
            if current_user.role in roles and endpoint in current_app.view_functions]
