"""The pages every check visits: accessibility (axe), valid HTML (Nu) and screenshots.

Add a page by appending one `Page` to PAGES; all three checks pick it up. A path is a
string or a function of the `World` (the small clinic `make_world()` creates), so pages
about a record can name it: `lambda w: f"/courses/{w.course.id}"`.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tests.factories import make_course, make_patient, make_patient_user, make_user
from tracker.auth.models import Role
from tracker.clinic.services import update_settings
from tracker.extensions import db


@dataclass(frozen=True)
class Page:
    #: unique; also the screenshot's file name (docs/screenshots/<name>.png)
    name: str
    #: who is signed in: "admin", "practitioner", "patient", or None for nobody
    role: str | None
    #: a path, or a function of the World returning one
    path: object
    #: the status the page must answer with
    status: int = 200
    #: patient-facing: also checked and photographed at phone width
    phone: bool = False
    #: submit the page's form with these values (the rest as the page has them) and check
    #: the page that answers, with its errors; None: just open the page
    submit: dict | None = None

    def url(self, world):
        return self.path(world) if callable(self.path) else self.path


PAGES = [
    Page("login", None, "/login", phone=True),
    Page("login-errors", None, "/login", phone=True, submit={"email": "", "password": ""}),
    Page("patient-list", "practitioner", "/patients/"),
    Page("patient-search-empty", "practitioner", "/patients/?q=nobody+by+that+name"),
    Page("patient-new", "practitioner", "/patients/new"),
    Page("patient-new-errors", "practitioner", "/patients/new",
         submit={"first_name": "", "last_name": "", "date_of_birth": ""}),
    Page("patient-detail", "practitioner", lambda w: f"/patients/{w.patient.id}"),
    Page("patient-detail-no-consent", "admin", lambda w: f"/patients/{w.new_patient.id}"),
    Page("patient-edit", "practitioner", lambda w: f"/patients/{w.patient.id}/edit"),
    Page("change-password", "patient", "/account/password", phone=True),
    Page("clinic-settings", "admin", "/admin/settings"),
    Page("clinic-settings-errors", "admin", "/admin/settings", status=422,
         submit={"clinic.opens_at": "25:99", "course.min_sessions": "many"}),
    Page("error-not-found", "practitioner", "/patients/999999", status=404),
    Page("error-forbidden", "practitioner", "/admin/settings", status=403),
]


@dataclass
class World:
    """A small, fixed clinic: the same names every run, so screenshots stay stable."""

    admin: object
    practitioner: object
    patient_user: object
    patient: object
    new_patient: object
    course: object
    others: list = field(default_factory=list)

    def user_for(self, role):
        return {"admin": self.admin, "practitioner": self.practitioner,
                "patient": self.patient_user}[role]


CONSENTED = {"consent_signed_at": datetime(2026, 1, 12, 15, 30, tzinfo=UTC),
             "consent_version": "2026-01"}

CLINIC = {
    "clinic.name": "Harbor Acupuncture & Back Care",
    "clinic.address": "120 Harbor Street, Suite 4, Portland, ME 04101",
    "clinic.phone": "+1 207 555 0142",
    "clinic.email": "frontdesk@example.com",
}

OTHER_PATIENTS = [
    ("Aisha", "Bello", date(1968, 11, 2), "+1 207 555 0117", {"takes_anticoagulants": True}),
    ("Tom", "Brennan", date(1990, 7, 23), "+1 207 555 0164", {}),
    ("Priya", "Raman", date(1988, 2, 9), "+1 207 555 0138",
     {"is_pregnant": True, "pregnancy_due_on": date(2026, 8, 14)}),
    ("Daniel", "Kowalski", date(1955, 4, 30), "+1 207 555 0192", {"has_pacemaker": True}),
    ("Mei", "Zhang", date(1979, 12, 5), "+1 207 555 0125", {}),
    ("Carlos", "Silva", date(1971, 6, 18), "+1 207 555 0173", {"is_immunocompromised": True}),
]


def make_world():
    """Staff, a patient with a portal login and a course, and a few more patients."""
    assert not update_settings(CLINIC)
    db.session.commit()
    admin = make_user(Role.ADMIN, email="dana@example.com", name="Dana Whitfield")
    practitioner = make_user(Role.PRACTITIONER, email="lin@example.com",
                             name="Dr. Lin Chen, L.Ac.")
    patient = make_patient(
        first_name="Grace", last_name="Osei", date_of_birth=date(1975, 3, 2),
        email="grace.osei@example.net", phone="+1 207 555 0101",
        preferred_practitioner_id=practitioner.id, takes_anticoagulants=True,
        safety_notes="Prefers side-lying; dizzy after long retention.", **CONSENTED)
    patient_user = make_patient_user(patient, name="Grace Osei")
    new_patient = make_patient(first_name="Omar", last_name="Haddad",
                               date_of_birth=date(1983, 9, 14), email="omar.haddad@example.net",
                               phone="+1 207 555 0150", reminder_opt_in=False)
    others = [make_patient(first_name=first, last_name=last, date_of_birth=born, phone=phone,
                           email=f"{first}.{last}@example.net".lower(), **CONSENTED | flags)
              for first, last, born, phone, flags in OTHER_PATIENTS]
    course = make_course(patient, practitioner)
    return World(admin=admin, practitioner=practitioner, patient_user=patient_user,
                 patient=patient, new_patient=new_patient, course=course, others=others)
