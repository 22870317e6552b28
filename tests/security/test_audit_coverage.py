"""Every page that shows patient data records who looked, and at whose data.

The pages are the GET routes of tests/security/routes.py marked in SHOWS; each is opened
by every role that may open it, and must write an audit event naming the patient whose
records the URL was built from (or, for a list, an event at all).
"""

import sqlalchemy as sa

from tests.security.routes import PATIENT_DATA, PATIENT_LIST, ROUTES, SHOWS
from tests.security.world import ADMIN, PATIENT, PRACTITIONER, build_world, sign_in
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def events_after(event_id):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > event_id)).all()


def last_event_id():
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))


def test_every_marked_route_exists():
    marked = [endpoint for endpoints in SHOWS.values() for endpoint in endpoints]
    assert sorted(set(marked) - set(ROUTES)) == []
    assert all("GET" in ROUTES[endpoint].expect for endpoint in marked)


def test_every_page_of_patient_data_is_audited(app):
    world = build_world()
    failures = []
    for role in (PRACTITIONER, ADMIN, PATIENT):
        user, records = world[role]
        client = app.test_client()
        sign_in(client, user)
        for endpoint, case in sorted(ROUTES.items()):
            if not case.shows or case.expect["GET"][role] != 200:
                continue
            since = last_event_id()
            response = client.get(case.url(records))
            assert response.status_code == 200, (endpoint, role)
            events = [event for event in events_after(since) if event.action != "auth.login"]
            if not events:
                failures.append(f"{endpoint} as {role}: no audit event")
            elif case.shows == PATIENT_DATA and records.patient not in {
                    event.patient_id for event in events}:
                failures.append(f"{endpoint} as {role}: events name patients "
                                f"{[event.patient_id for event in events]}, "
                                f"not {records.patient}")
            elif any(event.user_id != user.id for event in events
                     if case.shows == PATIENT_LIST and not case.by_link):
                failures.append(f"{endpoint} as {role}: an event names another user")
    assert not failures, "\n".join(failures)
