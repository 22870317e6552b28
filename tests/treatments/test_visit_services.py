from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course, make_patient, make_user, make_visit
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments import visits
from tracker.treatments.errors import (
    ConflictError,
    SafetyError,
    TreatmentError,
    VisitLockedError,
)
from tracker.treatments.models import Amendment, Visit
from tracker.treatments.safety import PointChoice
from tracker.treatments.signals import visit_amended, visit_signed

MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
VALUES = {"pain_before": 7, "pain_after": 4, "techniques": ["manual"], "needles_in": 8,
          "needles_out": 8, "retention_minutes": 20, "face_to_face_minutes": 15,
          "adverse_events": [], "adverse_event_notes": "", "estim_override_reason": "",
          "subjective": "Better mornings", "objective": "", "assessment": "", "plan": "",
          "home_plan": ""}


def consenting_patient(**flags):
    return make_patient(consent_signed_at=utcnow(), consent_version="2026-01", **flags)


def appointment_for(patient=None, **course_overrides):
    course = make_course(patient=patient or consenting_patient(), **course_overrides)
    return make_appointment(course, starts_at=MONDAY_9AM)


def draft(appointment, points=(), **values):
    return visits.save_visit(appointment, appointment.course.practitioner,
                             values=VALUES | values, points=list(points))


def visit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Visit))


def test_sign_numbers_the_session_completes_the_appointment_and_announces():
    appointment = appointment_for(status="planned")
    visit = draft(appointment, [PointChoice("BL23", "both"), PointChoice("Ashi", "left",
                                                                         "L4 paraspinal")])
    heard = []
    with visit_signed.connected_to(lambda sender: heard.append(sender)):
        visits.sign_visit(visit, appointment.course.practitioner)
    db.session.commit()
    assert visit.session_number == 1 and visit.signed_by_id == appointment.practitioner_id
    assert appointment.status == "completed" and appointment.course.status == "active"
    assert heard == [visit]
    assert {(vp.point_code, vp.location) for vp in visit.points} == {
        ("BL23", ""), ("Ashi", "L4 paraspinal")}


def test_session_numbers_count_signed_visits():
    appointment = appointment_for()
    course = appointment.course
    make_visit(make_appointment(course, starts_at=MONDAY_9AM - timedelta(days=3)))
    visit = draft(appointment)
    visits.sign_visit(visit, course.practitioner)
    assert visit.session_number == 2


def test_a_visit_cannot_be_signed_while_needles_out_differ():
    appointment = appointment_for()
    visit = draft(appointment, needles_in=10, needles_out=9)
    with pytest.raises(TreatmentError, match=r"Needles out \(9\) must equal needles in \(10\)"):
        visits.sign_visit(visit, appointment.course.practitioner)
    assert not visit.is_signed and appointment.status == "booked"


def test_consent_must_be_on_file_before_signing():
    appointment = appointment_for(patient=make_patient())
    visit = draft(appointment)
    with pytest.raises(TreatmentError, match="No consent is on file"):
        visits.sign_visit(visit, appointment.course.practitioner)


def test_only_the_visits_practitioner_can_edit_or_sign_it():
    appointment = appointment_for()
    visit = draft(appointment)
    colleague = make_user(Role.PRACTITIONER)
    with pytest.raises(TreatmentError, match="who started this visit record"):
        visits.save_visit(appointment, colleague, values=VALUES,
                          expected_version=visit.version)
    with pytest.raises(TreatmentError, match="Only the practitioner who recorded"):
        visits.sign_visit(visit, colleague)


def test_admins_do_not_record_visits():
    appointment = appointment_for()
    with pytest.raises(TreatmentError, match="Only practitioners"):
        visits.save_visit(appointment, make_user(Role.ADMIN), values=VALUES)


@pytest.mark.parametrize("field,value", [("pain_before", -1), ("pain_before", 11),
                                         ("pain_after", 7.5), ("needles_in", -2),
                                         ("retention_minutes", 200), ("techniques", ["laser"])])
def test_bad_values_write_nothing(field, value):
    appointment = appointment_for()
    with pytest.raises(TreatmentError):
        draft(appointment, **{field: value})
    db.session.rollback()
    assert visit_count() == 0


def test_signing_needs_both_pain_scores():
    appointment = appointment_for()
    visit = draft(appointment, pain_after=None)
    with pytest.raises(TreatmentError, match="Pain after needling"):
        visits.sign_visit(visit, appointment.course.practitioner)


def test_cautioned_points_in_pregnancy_need_an_override_reason_that_is_stored():
    appointment = appointment_for(patient=consenting_patient(is_pregnant=True))
    with pytest.raises(SafetyError) as caught:
        draft(appointment, [PointChoice("LI4", "both"), PointChoice("ST36", "both")])
    assert set(caught.value.problems) == {"point:LI4"}
    assert "pregnancy" in caught.value.problems["point:LI4"]
    db.session.rollback()
    assert visit_count() == 0
    visit = draft(appointment, [PointChoice("LI4", "both", "", "Labour preparation, 38 weeks"),
                                PointChoice("ST36", "both", "", "ignored: not cautioned")])
    reasons = {vp.point_code: vp.override_reason for vp in visit.points}
    assert reasons == {"LI4": "Labour preparation, 38 weeks", "ST36": None}
    visits.sign_visit(visit, appointment.course.practitioner)


@pytest.mark.parametrize("code", ["LI4", "SP6", "BL60", "BL67", "GB21"])
def test_every_pregnancy_caution_is_checked(code):
    appointment = appointment_for(patient=consenting_patient(is_pregnant=True))
    with pytest.raises(SafetyError):
        draft(appointment, [PointChoice(code, "left")])


def test_the_same_points_need_no_reason_without_the_flag():
    appointment = appointment_for()
    visit = draft(appointment, [PointChoice("LI4", "both"), PointChoice("SP6", "left")])
    assert all(vp.override_reason is None for vp in visit.points)


def test_estim_with_safety_flags_needs_a_reason():
    appointment = appointment_for(patient=consenting_patient(takes_anticoagulants=True))
    with pytest.raises(SafetyError) as caught:
        draft(appointment, techniques=["manual", "electro"])
    assert set(caught.value.problems) == {"estim_override_reason"}
    visit = draft(appointment, techniques=["manual", "electro"],
                  estim_override_reason="Low intensity, INR in range")
    assert visit.estim_override_reason == "Low intensity, INR in range"


def test_estim_with_a_pacemaker_needs_an_explicit_override():
    appointment = appointment_for(patient=consenting_patient(has_pacemaker=True))
    practitioner = appointment.course.practitioner
    with pytest.raises(SafetyError) as caught:
        visits.save_visit(appointment, practitioner, values=VALUES | {
            "techniques": ["electro"], "estim_override_reason": "Cardiologist agreed"})
    assert set(caught.value.problems) == {"estim_pacemaker_confirmed"}
    db.session.rollback()
    visit = visits.save_visit(appointment, practitioner, values=VALUES | {
        "techniques": ["electro"], "estim_override_reason": "Cardiologist agreed in writing"},
        estim_pacemaker_confirmed=True)
    assert visit.estim_override_reason == "Cardiologist agreed in writing"


def test_ashi_points_need_a_location():
    appointment = appointment_for()
    with pytest.raises(TreatmentError, match="ashi"):
        draft(appointment, [PointChoice("Ashi", "left", "  ")])
    with pytest.raises(TreatmentError, match="not in the point catalogue"):
        draft(appointment, [PointChoice("XX99", "left")])


def test_signed_visits_are_immutable():
    appointment = appointment_for()
    visit = draft(appointment)
    visits.sign_visit(visit, appointment.course.practitioner)
    db.session.commit()
    with pytest.raises(VisitLockedError, match="signed and can no longer be edited"):
        visits.save_visit(appointment, appointment.course.practitioner, values=VALUES,
                          expected_version=visit.version)
    with pytest.raises(VisitLockedError):
        visits.sign_visit(visit, appointment.course.practitioner)


def test_the_session_guard_refuses_in_place_edits_that_bypass_the_services():
    visit = make_visit()
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    visit.pain_after = 0
    with pytest.raises(VisitLockedError):
        db.session.flush()
    db.session.rollback()
    visit = db.session.get(Visit, visit.id)
    visit.points.clear()
    db.session.expire(visit, ["signed_at"])
    visit.subjective = "rewritten"
    with pytest.raises(VisitLockedError):
        db.session.commit()
    db.session.rollback()


def test_amendments_record_who_when_why_and_what():
    visit = make_visit(pain_after=4)
    author = make_user(Role.PRACTITIONER)
    heard = []
    with visit_amended.connected_to(lambda sender, amendment: heard.append(amendment)):
        amendment = visits.amend_visit(visit, author, reason="Typo: patient said 3",
                                       changes={"pain_after": 3, "subjective": visit.subjective})
    db.session.commit()
    assert visit.pain_after == 3
    assert amendment.author_id == author.id and amendment.created_at is not None
    assert amendment.changes == {"pain_after": {"from": 4, "to": 3}}
    assert heard == [amendment]


def test_amendments_need_a_reason_a_change_and_valid_values():
    visit = make_visit(pain_after=4)
    author = make_user(Role.PRACTITIONER)
    with pytest.raises(TreatmentError, match="why"):
        visits.amend_visit(visit, author, reason="", changes={"pain_after": 3})
    with pytest.raises(TreatmentError, match="Nothing was changed"):
        visits.amend_visit(visit, author, reason="Check", changes={"pain_after": 4})
    with pytest.raises(TreatmentError, match="0 to 10"):
        visits.amend_visit(visit, author, reason="Fix", changes={"pain_after": 11})
    with pytest.raises(TreatmentError, match="Only practitioners"):
        visits.amend_visit(visit, make_user(Role.ADMIN), reason="Fix", changes={"pain_after": 3})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Amendment)) == 0


def test_concurrent_edits_of_an_unsigned_visit_conflict():
    appointment = appointment_for()
    visit = draft(appointment)
    db.session.commit()
    seen = visit.version
    visits.save_visit(appointment, appointment.course.practitioner,
                      values=VALUES | {"subjective": "first save"}, expected_version=seen)
    db.session.commit()
    with pytest.raises(ConflictError):
        visits.save_visit(appointment, appointment.course.practitioner,
                          values=VALUES | {"subjective": "second save"}, expected_version=seen)
    db.session.rollback()
    assert db.session.get(Visit, visit.id).subjective == "first save"


def test_a_new_record_for_an_appointment_that_got_one_meanwhile_conflicts():
    appointment = appointment_for()
    draft(appointment)
    with pytest.raises(ConflictError):
        visits.save_visit(appointment, appointment.course.practitioner, values=VALUES,
                          expected_version=None)


def test_the_last_planned_session_needs_an_extension_to_go_further():
    appointment = appointment_for(planned_sessions=6)
    course = appointment.course
    for offset in range(1, 7):
        make_visit(make_appointment(course, starts_at=MONDAY_9AM - timedelta(days=offset)))
    visit = draft(appointment)
    with pytest.raises(TreatmentError, match="extend the course"):
        visits.sign_visit(visit, course.practitioner)


def test_is_last_planned_session():
    appointment = appointment_for(planned_sessions=6)
    course = appointment.course
    for offset in range(1, 6):
        make_visit(make_appointment(course, starts_at=MONDAY_9AM - timedelta(days=offset)))
    visit = draft(appointment)
    visits.sign_visit(visit, course.practitioner)
    assert visit.session_number == 6 and visits.is_last_planned_session(visit)


def test_no_visit_for_a_cancelled_appointment():
    appointment = appointment_for()
    appointment.status = "cancelled"
    db.session.commit()
    with pytest.raises(TreatmentError, match="cancelled"):
        draft(appointment)


def test_the_guard_also_protects_a_signed_visits_points():
    appointment = appointment_for()
    visit = draft(appointment, [PointChoice("BL23", "both")])
    visits.sign_visit(visit, appointment.course.practitioner)
    db.session.commit()
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    visit.points.clear()
    with pytest.raises(VisitLockedError):
        db.session.flush()
    db.session.rollback()
    assert len(db.session.get(Visit, visit.id).points) == 1
