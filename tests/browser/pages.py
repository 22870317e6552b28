"""The pages every check visits: accessibility (axe), valid HTML (Nu) and screenshots.

Add a page by appending one `Page` to PAGES; all three checks pick it up. A path is a
string or a function of the `World` (the small clinic `make_world()` creates), so pages
about a record can name it: `lambda w: f"/courses/{w.course.id}"`.
"""

from dataclasses import dataclass
from datetime import timedelta

from tests.browser.world import World, make_world

__all__ = ["PAGES", "Page", "World", "make_world"]


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


MONTH = timedelta(days=28)

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
    # treatments: the schedule, planning and booking a course, visits, progress
    Page("schedule-day", "practitioner", lambda w: f"/schedule/?day={w.next_monday}"),
    Page("schedule-week", "admin",
         lambda w: f"/schedule/?day={w.next_monday}&view=week&practitioner=all"),
    Page("calendar-feed", "practitioner", "/schedule/calendar"),
    Page("course-new", "practitioner", lambda w: f"/courses/new?patient_id={w.others[1].id}"),
    Page("course-new-errors", "practitioner",
         lambda w: f"/courses/new?patient_id={w.others[1].id}",
         submit={"planned_sessions": "40", "baseline_pain": "11"}),
    Page("course-detail", "practitioner", lambda w: f"/courses/{w.course.id}"),
    Page("course-book", "admin",
         lambda w: f"/courses/{w.planned_course.id}/book?first_day={w.next_monday}"
                   "&at_time=16:00&duration=45"),
    Page("appointment-detail", "admin", lambda w: f"/appointments/{w.appointment.id}"),
    Page("visit-form", "practitioner", lambda w: f"/appointments/{w.appointment.id}/visit"),
    Page("visit-form-errors", "practitioner",
         lambda w: f"/appointments/{w.appointment.id}/visit",
         submit={"pain_before": "11", "needles_in": "-2"}),
    Page("visit-detail-amended", "practitioner", lambda w: f"/visits/{w.amended_visit.id}"),
    Page("outcomes", "practitioner", "/outcomes"),
    Page("course-report", "practitioner", lambda w: f"/courses/{w.course.id}/report"),
    Page("patient-progress", "practitioner", lambda w: f"/patients/{w.patient.id}/progress"),
    # the patient's portal
    Page("portal-home", "patient", "/portal/", phone=True),
    Page("portal-course", "patient", lambda w: f"/portal/courses/{w.course.id}", phone=True),
    # billing
    Page("billing-report", "admin", lambda w: f"/billing/?from={w.next_monday - MONTH}"
                                            f"&to={w.next_monday}"),
    Page("fee-schedule", "admin", "/admin/fees"),
    Page("superbill", "admin", lambda w: f"/courses/{w.course.id}/superbill"),
    Page("payment-new", "admin", lambda w: f"/patients/{w.patient.id}/payments/new"),
    Page("payment-new-errors", "admin", lambda w: f"/patients/{w.patient.id}/payments/new",
         status=422, submit={"amount": "-5", "received_on": ""}),
    Page("policy-edit", "admin", lambda w: f"/policies/{w.policy.id}/edit"),
    # reminders: the outbox, and the pages an emailed link opens (no login)
    Page("reminders-outbox", "admin", "/admin/reminders"),
    Page("checkin-link", None, lambda w: w.checkin_path, phone=True),
    Page("checkin-link-errors", None, lambda w: w.checkin_path, phone=True, status=422,
         submit={}),
    Page("unsubscribe", None, lambda w: w.unsubscribe_path, phone=True),
    # security
    Page("audit-events", "admin", lambda w: f"/admin/audit?patient={w.patient.id}"),
]
