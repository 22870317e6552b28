"""The main navigation: one list, filtered by role and by the pages that exist."""

from flask import current_app, request
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


#: pages reached from a patient's record, whatever blueprint serves them
PATIENT_PAGES = {
    "progress.patient_overview", "progress.course_report", "billing.superbill",
    "billing.new_payment", "billing.new_adjustment", "billing.new_package",
    "billing.new_charge", "billing.new_policy", "billing.edit_policy",
}


def section_of(endpoint):
    """The menu entry a page belongs to: its blueprint's, or Patients for a patient's
    courses, progress and account."""
    if endpoint in PATIENT_PAGES or endpoint.startswith("treatments.course_"):
        return "patients"
    return endpoint.split(".")[0]


def nav_items():
    """(endpoint, label, is the current page's section) for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    current = section_of(request.endpoint) if request.endpoint else None
    return [(endpoint, label, section_of(endpoint) == current)
            for endpoint, label, roles in NAV_ITEMS
            if current_user.role in roles and endpoint in current_app.view_functions]
