"""What every role gets from every route: the table the security tests walk.

One line per endpoint: `route(url builder, GET={role: status}, POST={role: status})`.
The url builder gets the `Records` of the role's patient (patient B's for
"other_patient"). A status is given for every method the route accepts; POSTs are sent
without valid form data (and with CSRF off), so they must fail safely or do their
harmless default. tests/security/test_route_access.py fails, naming the endpoint, when
the app has a route this table lacks (or the table a route the app lacks).

The common shapes are named below; spell a route's statuses out when it differs.
"""

from dataclasses import dataclass, field, replace

from tests.security.world import ADMIN, ANONYMOUS, OTHER_PATIENT, PATIENT, PRACTITIONER


def statuses(anonymous, patient, other_patient, practitioner, admin):
    return {ANONYMOUS: anonymous, PATIENT: patient, OTHER_PATIENT: other_patient,
            PRACTITIONER: practitioner, ADMIN: admin}


#: pages for staff only: patients get 404 (the page does not exist for them)
STAFF_PAGE = statuses(302, 404, 404, 200, 200)
#: staff actions that redirect after doing their work
STAFF_ACTION = statuses(302, 404, 404, 302, 302)
#: admin-only pages: practitioners get 403
ADMIN_PAGE = statuses(302, 404, 404, 403, 200)
#: any signed-in user
SIGNED_IN_PAGE = statuses(302, 200, 200, 200, 200)
#: a record a patient may open when it is theirs, and staff always
OWN_RECORD = statuses(302, 200, 404, 200, 200)
#: anyone, signed in or not
EVERYONE = statuses(200, 200, 200, 200, 200)
#: JSON for a patient's own records: 401 rather than a redirect when not signed in
OWN_JSON = statuses(401, 200, 404, 200, 200)
#: a staff form posted empty: shown again with its messages (200), or 422 (billing)
STAFF_FORM_REFUSED = statuses(302, 404, 404, 200, 200)
STAFF_FORM_422 = statuses(302, 404, 404, 422, 422)
STAFF_CONFLICT = statuses(302, 404, 404, 409, 409)
#: clinical pages and forms: practitioners only, admins get 403
PRACTITIONER_PAGE = statuses(302, 404, 404, 200, 403)
#: the patient's own portal: staff get 403
PORTAL_PAGE = statuses(302, 200, 200, 403, 403)


@dataclass(frozen=True)
class Route:
    url: object  #: Records -> path
    expect: dict = field(default_factory=dict)  #: method -> {role: status}
    #: the URL carries its own credential (an emailed link): whoever holds it gets the page
    by_link: bool = False
    #: what a GET shows: PATIENT_DATA (an audit event must name the URL's patient) or
    #: PATIENT_LIST (an audit event must be written); see test_audit_coverage.py
    shows: str = ""


PATIENT_DATA, PATIENT_LIST = "patient data", "patient list"


def route(url, by_link=False, **expect):
    return Route(url=url, expect=expect, by_link=by_link)


def course_url(suffix=""):
    return lambda r: f"/courses/{r.course}{suffix}"


TREATMENT_ROUTES = {
    "treatments.course_new": route(lambda r: f"/courses/new?patient_id={r.patient}",
                                   GET=PRACTITIONER_PAGE, POST=PRACTITIONER_PAGE),
    "treatments.course_detail": route(course_url(), GET=statuses(302, 302, 404, 200, 200)),
    # posted empty, the form keeps the course's values but not its version: a conflict
    "treatments.course_edit": route(course_url("/edit"), GET=PRACTITIONER_PAGE,
                                    POST=statuses(302, 404, 404, 409, 403)),
    "treatments.course_extend": route(course_url("/extend"), GET=PRACTITIONER_PAGE,
                                      POST=PRACTITIONER_PAGE),
    "treatments.course_complete": route(course_url("/complete"), GET=PRACTITIONER_PAGE,
                                        POST=PRACTITIONER_PAGE),
    "treatments.course_discontinue": route(course_url("/discontinue"), GET=PRACTITIONER_PAGE,
                                           POST=PRACTITIONER_PAGE),
    "treatments.course_book": route(course_url("/book"), GET=STAFF_PAGE,
                                    POST=STAFF_FORM_422),
    "treatments.appointment_new": route(lambda r: f"/appointments/new?patient_id={r.patient}",
                                        GET=STAFF_PAGE, POST=STAFF_FORM_REFUSED),
    "treatments.appointment_detail": route(lambda r: f"/appointments/{r.appointment}",
                                           GET=STAFF_PAGE),
    "treatments.appointment_ics": route(lambda r: f"/appointments/{r.appointment}.ics",
                                        GET=OWN_RECORD),
    # posted empty, the form keeps the appointment's time but not its version: a conflict
    "treatments.appointment_reschedule": route(
        lambda r: f"/appointments/{r.booked_appointment}/reschedule", GET=STAFF_PAGE,
        POST=STAFF_CONFLICT),
    "treatments.appointment_cancel": route(
        lambda r: f"/appointments/{r.booked_appointment}/cancel", GET=STAFF_PAGE,
        POST=STAFF_FORM_REFUSED),
    # posted without the record's version: refused as a conflict
    "treatments.appointment_no_show": route(
        lambda r: f"/appointments/{r.booked_appointment}/no-show", POST=STAFF_CONFLICT),
    "treatments.appointment_visit": route(
        lambda r: f"/appointments/{r.booked_appointment}/visit", GET=PRACTITIONER_PAGE,
        POST=PRACTITIONER_PAGE),
    "treatments.visit_detail": route(lambda r: f"/visits/{r.visit}", GET=STAFF_PAGE),
    "treatments.visit_sign": route(lambda r: f"/visits/{r.draft_visit}/sign",
                                   POST=statuses(302, 404, 404, 409, 403)),
    "treatments.visit_amend": route(lambda r: f"/visits/{r.visit}/amend",
                                    GET=PRACTITIONER_PAGE, POST=PRACTITIONER_PAGE),
    "treatments.schedule": route(lambda r: "/schedule/", GET=STAFF_PAGE),
    "treatments.calendar_settings": route(lambda r: "/schedule/calendar",
                                          GET=PRACTITIONER_PAGE,
                                          POST=statuses(302, 404, 404, 302, 403)),
    # the token is the only credential: anyone holding it gets the feed
    "treatments.calendar_feed": route(lambda r: f"/calendar/{r.feed_token}.ics",
                                      by_link=True, GET=EVERYONE),
}

PROGRESS_ROUTES = {
    "progress.course_progress_json": route(lambda r: f"/api/courses/{r.course}/progress",
                                           GET=OWN_JSON),
    "progress.patient_progress_json": route(lambda r: f"/api/patients/{r.patient}/progress",
                                            GET=OWN_JSON),
    "progress.patient_overview": route(lambda r: f"/patients/{r.patient}/progress",
                                       GET=STAFF_PAGE),
    "progress.course_report": route(course_url("/report"), GET=OWN_RECORD),
    "progress.course_scores_csv": route(course_url("/scores.csv"), GET=OWN_RECORD),
    "progress.outcomes": route(lambda r: "/outcomes", GET=STAFF_PAGE),
    "portal.home": route(lambda r: "/portal/", GET=PORTAL_PAGE),
    "portal.course": route(lambda r: f"/portal/courses/{r.course}",
                           GET=statuses(302, 200, 404, 403, 403)),
    "portal.checkin": route(lambda r: "/portal/checkin", POST=PORTAL_PAGE),
}


def patient_form(name):
    return route(lambda r: f"/patients/{r.patient}/{name}/new", GET=STAFF_PAGE,
                 POST=STAFF_FORM_422)


BILLING_ROUTES = {
    "billing.new_payment": patient_form("payments"),
    "billing.new_adjustment": patient_form("adjustments"),
    "billing.new_package": patient_form("packages"),
    "billing.new_charge": patient_form("charges"),
    "billing.new_policy": patient_form("policies"),
    "billing.edit_policy": route(lambda r: f"/policies/{r.policy}/edit", GET=STAFF_PAGE,
                                 POST=STAFF_FORM_422),
    "billing.set_course_policy": route(course_url("/policy"), POST=STAFF_ACTION),
    "billing.superbill": route(course_url("/superbill"), GET=STAFF_PAGE),
    "billing.report": route(lambda r: "/billing/", GET=STAFF_PAGE),
    "billing.report_export": route(lambda r: "/billing/report.csv", GET=STAFF_PAGE),
    "billing.fees": route(lambda r: "/admin/fees", GET=ADMIN_PAGE),
    "billing.edit_fee": route(lambda r: f"/admin/fees/{r.fee_code}", GET=ADMIN_PAGE,
                              POST=statuses(302, 404, 404, 403, 422)),
    "billing.edit_practitioner_ids": route(
        lambda r: f"/admin/practitioners/{r.practitioner}/billing-ids", GET=ADMIN_PAGE,
        POST=statuses(302, 404, 404, 403, 422)),
}

REMINDER_ROUTES = {
    "reminders.outbox": route(lambda r: "/admin/reminders", GET=ADMIN_PAGE),
    "reminders.retry": route(lambda r: f"/admin/reminders/{r.reminder}/retry",
                             POST=statuses(302, 404, 404, 403, 302)),
    "reminders.checkin_thanks": route(lambda r: "/checkin/thanks", GET=EVERYONE),
    # posted empty, the check-in form asks for the score (422) and spends nothing
    "reminders.checkin": route(lambda r: f"/checkin/{r.checkin_link}", by_link=True,
                               GET=EVERYONE, POST=statuses(422, 422, 422, 422, 422)),
    "reminders.unsubscribe": route(lambda r: f"/unsubscribe/{r.unsubscribe_link}",
                                   by_link=True, GET=EVERYONE, POST=EVERYONE),
}

ROUTES = {
    "auth.index": route(lambda r: "/", GET=statuses(302, 302, 302, 302, 302)),
    "auth.login": route(lambda r: "/login", GET=statuses(200, 302, 302, 302, 302),
                        POST=statuses(200, 302, 302, 302, 302)),
    "auth.logout": route(lambda r: "/logout", POST=statuses(302, 302, 302, 302, 302)),
    "auth.change_password": route(lambda r: "/account/password", GET=SIGNED_IN_PAGE,
                                  POST=SIGNED_IN_PAGE),
    "patients.index": route(lambda r: "/patients/", GET=STAFF_PAGE),
    "patients.create": route(lambda r: "/patients/new", GET=STAFF_PAGE, POST=STAFF_PAGE),
    "patients.detail": route(lambda r: f"/patients/{r.patient}",
                             GET=statuses(302, 302, 404, 200, 200)),
    "patients.edit": route(lambda r: f"/patients/{r.patient}/edit", GET=STAFF_PAGE,
                           POST=STAFF_PAGE),
    "patients.record_consent": route(lambda r: f"/patients/{r.patient}/consent",
                                     POST=STAFF_ACTION),
    "patients.archive": route(lambda r: f"/patients/{r.patient}/archive", POST=STAFF_ACTION),
    "patients.restore": route(lambda r: f"/patients/{r.patient}/restore", POST=STAFF_ACTION),
    "clinic.settings": route(lambda r: "/admin/settings", GET=ADMIN_PAGE,
                             POST=statuses(302, 404, 404, 403, 302)),
    "audit.events": route(lambda r: "/admin/audit", GET=ADMIN_PAGE),
    **TREATMENT_ROUTES,
    **PROGRESS_ROUTES,
    **BILLING_ROUTES,
    **REMINDER_ROUTES,
}

#: the GET pages that show patient data, each read recorded in the audit trail
SHOWS = {
    PATIENT_DATA: [
        "patients.detail", "patients.edit", "treatments.course_new",
        "treatments.course_detail", "treatments.course_edit", "treatments.course_extend",
        "treatments.course_complete", "treatments.course_discontinue",
        "treatments.course_book", "treatments.appointment_new",
        "treatments.appointment_detail", "treatments.appointment_ics",
        "treatments.appointment_reschedule", "treatments.appointment_cancel",
        "treatments.appointment_visit", "treatments.visit_detail", "treatments.visit_amend",
        "progress.course_progress_json", "progress.patient_progress_json",
        "progress.patient_overview", "progress.course_report", "progress.course_scores_csv",
        "portal.home", "portal.course", "billing.new_payment", "billing.new_adjustment",
        "billing.new_package", "billing.new_charge", "billing.new_policy",
        "billing.edit_policy", "billing.superbill",
    ],
    PATIENT_LIST: [
        "patients.index", "treatments.schedule", "treatments.calendar_feed", "billing.report",
        "billing.report_export", "reminders.outbox",
    ],
}
ROUTES = {endpoint: replace(case, shows=next(
    (shows for shows, endpoints in SHOWS.items() if endpoint in endpoints), ""))
    for endpoint, case in ROUTES.items()}

#: statuses that mean "not for you": nothing may change when a request gets one
DENIALS = {401, 403, 404, 405}  # 401: a JSON endpoint asked without signing in


def is_denial(role, status, location=""):
    return status in DENIALS or (role == ANONYMOUS and status == 302
                                 and location.startswith("/login"))


def methods_of(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def app_routes(app):
    """{endpoint: rule} for every route but static files."""
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"}
