"""Check-in links: one score per link, nothing for a reused, expired, altered or foreign one."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course, make_patient, make_visit
from tracker.db import utcnow
from tracker.extensions import db
from tracker.reminders.dispatch import dispatch_due
from tracker.reminders.mail import memory_outbox
from tracker.reminders.models import CheckinToken
from tracker.reminders.planning import plan_reminders
from tracker.reminders.tokens import issue_checkin_token, sign, unsubscribe_token
from tracker.treatments.models import PainCheckin


def checkins():
    return db.session.scalars(sa.select(PainCheckin)).all()


def emailed_link(kind="checkin"):
    """Sign a visit (or complete a course), run the sweep, and return the emailed path."""
    memory_outbox().clear()
    patient = make_patient(consent_signed_at=utcnow(), consent_version="2026-01")
    now = utcnow()
    if kind == "checkin":
        appointment = make_appointment(make_course(patient=patient),
                                       starts_at=now - timedelta(hours=26))
        make_visit(appointment, signed_at=now - timedelta(hours=25))
    else:
        make_course(patient=patient, status="completed", ended_at=now - timedelta(days=14))
    plan_reminders(now)
    db.session.commit()
    assert dispatch_due(now).sent == 1
    text = memory_outbox()[0].get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/checkin/\S+)", text).group(1)


def test_a_valid_link_records_one_score_on_the_course_without_logging_in(client):
    path = emailed_link()
    page = client.get(path)
    assert page.status_code == 200 and b"How is your back today" in page.data
    assert b"Bruising" in page.data and b"enjoyment of life" not in page.data
    response = client.post(path, data={"pain": "3", "side_effects": ["bruising"]})
    assert response.status_code == 302 and response.headers["Location"] == "/checkin/thanks"
    [checkin] = checkins()
    assert (checkin.pain, checkin.source, checkin.side_effects) == (3, "email", ["bruising"])
    assert checkin.course_id is not None
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/patients/").status_code == 302  # still not logged in
    assert b"Thank you" in client.get("/checkin/thanks").data


def test_a_follow_up_link_also_asks_the_peg_questions(client):
    path = emailed_link("followup")
    assert b"enjoyment of life" in client.get(path).data
    client.post(path, data={"pain": "2", "peg_enjoyment": "1", "peg_activity": "4"})
    [checkin] = checkins()
    assert (checkin.pain, checkin.peg_enjoyment, checkin.peg_activity) == (2, 1, 4)


def test_a_used_link_is_refused_and_records_nothing_more(client):
    path = emailed_link()
    client.post(path, data={"pain": "3"})
    again = client.post(path, data={"pain": "9"})
    assert again.status_code == 410 and b"already answered" in again.data
    assert client.get(path).status_code == 410
    assert [checkin.pain for checkin in checkins()] == [3]


def test_an_expired_link_is_refused(client):
    path = emailed_link()
    token = db.session.scalar(sa.select(CheckinToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(path, data={"pain": "3"})
    assert response.status_code == 410 and b"expired" in response.data
    assert checkins() == []


@pytest.mark.parametrize("change", [
    # one signature character altered (not the last: its low bits are only padding)
    lambda path: path[:-5] + ("A" if path[-5] != "A" else "B") + path[-4:],
    lambda path: "/checkin/" + path.rsplit(".", 1)[0].split("/")[-1],  # signature removed
    lambda path: "/checkin/not-a-token",
])
def test_a_tampered_link_is_refused(client, change):
    path = emailed_link()
    response = client.post(change(path), data={"pain": "3"})
    assert response.status_code == 404 and b"does not work" in response.data
    assert checkins() == []


def test_a_token_made_for_another_purpose_is_refused(client):
    path = emailed_link()
    token = db.session.scalar(sa.select(CheckinToken))
    for signed in (sign(token.id, "followup"),   # a post-visit token passed off as follow-up
                   sign(token.id, "unsubscribe"),
                   unsubscribe_token(token.patient_id)):
        response = client.post(f"/checkin/{signed}", data={"pain": "3"})
        assert response.status_code == 404, signed
    assert client.get(path).status_code == 200  # the genuine link still works
    assert checkins() == []


def test_an_unsubscribe_link_cannot_be_replayed_as_a_check_in_either(client):
    patient = make_patient()
    token = issue_checkin_token(purpose="followup", patient_id=patient.id, course_id=None,
                                reminder_id=None, now=utcnow(), days=7)
    db.session.commit()
    assert client.get(f"/unsubscribe/{sign(token.id, 'followup')}").status_code == 404


@pytest.mark.parametrize("data,field,message", [
    ({}, "pain", "Choose a pain score"),
    ({"pain": "11"}, "pain", "Choose a score from 0 to 10."),
    ({"pain": "-1"}, "pain", "Choose a score from 0 to 10."),
    ({"pain": "three"}, "pain", "Choose a score from 0 to 10."),
    ({"pain": "3", "side_effects": ["fainting"]}, "side_effects", "not a valid choice"),
])
def test_bad_answers_are_named_and_leave_the_link_usable(client, data, field, message):
    path = emailed_link()
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert message.encode() in response.data and f'id="{field}-error"'.encode() in response.data
    assert checkins() == []
    assert client.post(path, data={"pain": "4"}).status_code == 302


@pytest.mark.parametrize("field", ["peg_enjoyment", "peg_activity"])
def test_bad_peg_answers_are_named(client, field):
    path = emailed_link("followup")
    response = client.post(path, data={"pain": "3", field: "12"})
    assert response.status_code == 422 and f'id="{field}-error"'.encode() in response.data
    assert checkins() == []


def test_the_check_in_form_carries_its_own_form_token(make_app):
    path = emailed_link()
    strict = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = strict.get(path)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.data).group(1).decode()
    assert strict.post(path, data={"pain": "5"}).status_code == 400
    assert checkins() == []
    assert strict.post(path, data={"pain": "5", "csrf_token": token}).status_code == 302
    assert [checkin.pain for checkin in checkins()] == [5]
