"""What every role gets from every route: the table the security tests walk.

One line per endpoint: `route(url builder, GET={role: status}, POST={role: status})`.
The url builder gets the `Records` of the role's patient (patient B's for
"other_patient"). A status is given for every method the route accepts; POSTs are sent
without valid form data (and with CSRF off), so they must fail safely or do their
harmless default. tests/security/test_route_access.py fails, naming the endpoint, when
the app has a route this table lacks (or the table a route the app lacks).

The common shapes are named below; spell a route's statuses out when it differs.
"""

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Route:
    url: object  #: Records -> path
    expect: dict = field(default_factory=dict)  #: method -> {role: status}


def route(url, **expect):
    return Route(url=url, expect=expect)


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
    "treatments.appointment_ics": route(lambda r: f"/appointments/{r.appointment}.ics",
                                        GET=OWN_RECORD),
    "audit.events": route(lambda r: "/admin/audit", GET=ADMIN_PAGE),
}

#: statuses that mean "not for you": nothing may change when a request gets one
DENIALS = {403, 404, 405}


def is_denial(role, status, location=""):
    return status in DENIALS or (role == ANONYMOUS and status == 302
                                 and location.startswith("/login"))


def methods_of(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def app_routes(app):
    """{endpoint: rule} for every route but static files."""
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"}
