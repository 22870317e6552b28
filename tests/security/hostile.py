"""The forms the hostile-input tests attack, and the values they attack them with.

Adding a form is one line in FORMS: `HostileForm(name, role, url builder, fields, ...)`.
`valid` is a correct submission (a dict, or a function of the role's Records) whose fields
the hostile values replace; `shown_at` is a page that displays what the form stores, which
must show any HTML typed into it (in `text_fields`) as text. GET forms set `method="GET"`,
JSON endpoints `as_json=True`.
"""

from dataclasses import dataclass, field
from datetime import date

from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.security.world import ADMIN, ANONYMOUS, PRACTITIONER, Records
from tracker.clinic.settings import SPECS
from tracker.extensions import db


@dataclass(frozen=True)
class HostileForm:
    name: str
    role: str  #: who submits it (see tests/security/world.py)
    url: object  #: Records -> path
    fields: tuple  #: the fields to fill with hostile values
    valid: object = field(default_factory=dict)  #: dict, or Records -> dict
    method: str = "POST"
    as_json: bool = False
    shown_at: object = None  #: Records -> path of a page showing what was stored
    text_fields: tuple = ()  #: free-text fields whose HTML must come back escaped
    #: False when `valid` is only part of a submission (sending all of it would sign out)
    valid_is_complete: bool = True
    #: the statuses that mean the submission was taken (and may have changed data)
    accepted_with: tuple = (302, 303)
    #: False when what it changes is not the world patient's data (the audit event for an
    #: accepted submission then need not name that patient)
    names_patient: bool = True

    def valid_data(self, records: Records):
        return self.valid(records) if callable(self.valid) else dict(self.valid)


PATIENT_FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
                  "preferred_practitioner_id", "is_pregnant", "pregnancy_due_on",
                  "takes_anticoagulants", "has_bleeding_disorder", "has_pacemaker",
                  "is_immunocompromised", "safety_notes", "reminder_opt_in", "consent_signed")
VALID_PATIENT = {"first_name": "Grace", "last_name": "Osei", "date_of_birth": "1975-03-02",
                 "email": "grace@example.net", "phone": "+1 207 555 0101",
                 "timezone": "America/New_York", "preferred_practitioner_id": "0",
                 "safety_notes": ""}
VALID_SETTINGS = {"clinic.name": "Harbour", "clinic.opens_at": "08:00",
                  "clinic.closes_at": "18:00", "clinic.open_weekdays": "1,2,3,4,5"}


def patient_version(records):
    from tracker.patients.models import Patient

    return str(db.session.get(Patient, records.patient, populate_existing=True).version)


def patient_page(records):
    return f"/patients/{records.patient}"


FORMS = [
    HostileForm("login", ANONYMOUS, lambda r: "/login", ("email", "password", "next"),
                names_patient=False),
    HostileForm("patient search", PRACTITIONER, lambda r: "/patients/",
                ("q", "page", "archived"), method="GET"),
    HostileForm("new patient", PRACTITIONER, lambda r: "/patients/new", PATIENT_FIELDS,
                valid=VALID_PATIENT, shown_at=lambda r: "/patients/?archived=1",
                text_fields=("first_name", "last_name"), names_patient=False),
    HostileForm("edit patient", PRACTITIONER, lambda r: f"/patients/{r.patient}/edit",
                (*PATIENT_FIELDS, "version"), shown_at=patient_page,
                valid=lambda r: VALID_PATIENT | {"version": patient_version(r)},
                text_fields=("first_name", "last_name", "safety_notes")),
    HostileForm("consent", PRACTITIONER, lambda r: f"/patients/{r.patient}/consent",
                ("consent_version",), shown_at=patient_page, text_fields=("consent_version",)),
    HostileForm("archive", PRACTITIONER, lambda r: f"/patients/{r.patient}/archive",
                ("version",)),
    HostileForm("clinic settings", ADMIN, lambda r: "/admin/settings", tuple(SPECS),
                valid=VALID_SETTINGS, shown_at=lambda r: "/admin/settings",
                text_fields=("clinic.name", "clinic.address", "clinic.phone"),
                names_patient=False),
    HostileForm("change password", PRACTITIONER, lambda r: "/account/password",
                ("current_password", "new_password", "confirm_password"),
                valid={"current_password": PASSWORD}, valid_is_complete=False,
                names_patient=False),
    HostileForm("audit filters", ADMIN, lambda r: "/admin/audit",
                ("patient", "user", "action", "date_from", "date_to", "page"), method="GET"),
]

from tests.security.hostile_forms import (  # noqa: E402
    billing_forms,
    clinical_forms,
    reminder_forms,
)

FORMS += clinical_forms() + billing_forms() + reminder_forms()

#: HTML that must never come back unescaped from any page
HTML_PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                 "<svg onload=alert(1)>", "</textarea><script>alert(2)</script>"]

CURATED = [
    *HTML_PAYLOADS,
    "'; DROP TABLE patients; --", "' OR '1'='1", "Robert'); DELETE FROM users;--",
    "{{7*7}}", "${7*7}", "%s%s%s%n", "../../etc/passwd", "%00", "\x00", "a\x00b", "\x07",
    "\r\n\r\n", "\u202eevil", "\ufeff", "𝕏𝕏𝕏", "名前", "null", "None", "NaN", "Infinity",
    "-1", "0", "-0", "1.5", "1e309", "0x1F", "99999999999999999999", "-99999999999999999999",
    "2026-02-30", "2026-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "31/12/2025",
    "2026-03-02T10:00:00Z", "", " ", "x" * 300, "x" * 5000, "é" * 3000,
]

#: every field of every form gets each of these, one field at a time: a NUL (PostgreSQL
#: refuses it), an integer past 64 bits, a negative, the last representable day (it
#: overflows when moved to UTC), and HTML longer than any field allows
SHARPEST = ["\x00", "99999999999999999999", "-1", "9999-12-31",
            '"><img src=x onerror=alert(1)>' + "x" * 5000]

hostile_values = st.one_of(
    st.sampled_from(CURATED),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs"]), max_size=10),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=date(1, 1, 1)).map(str),
)


def submissions(form):
    """A hostile submission: some fields hostile, the rest valid or absent."""
    return st.tuples(
        st.dictionaries(st.sampled_from(form.fields), hostile_values, min_size=1),
        st.booleans(),
    )
