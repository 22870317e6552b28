from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests.factories import make_appointment, make_course, make_patient, make_user, make_visit
from tracker.auth.models import Role
from tracker.clinic.services import update_settings
from tracker.extensions import db
from tracker.treatments import courses
from tracker.treatments.errors import ConflictError, TreatmentError
from tracker.treatments.models import Course
from tracker.treatments.signals import appointment_cancelled, course_status_changed
from tracker.treatments.visits import sign_visit


def plan_values(practitioner, **overrides):
    return {"practitioner_id": practitioner.id, "diagnosis_code": "M54.50", "region": "lumbar",
            "planned_sessions": 8, "frequency": "2x3,1", "start_on": date(2026, 3, 2),
            "goal": "Walk the dog", "baseline_pain": 7, "baseline_peg_enjoyment": None,
            "baseline_peg_activity": None} | overrides


def course_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Course))


def test_plan_course_is_planned_with_the_diagnosis_label():
    practitioner = make_user(Role.PRACTITIONER)
    course = courses.plan_course(make_patient(), **plan_values(practitioner))
    db.session.commit()
    assert course.status == "planned"
    assert course.diagnosis_label == "Low back pain, unspecified"
    assert course.session_label == "Session 0 of 8"


@pytest.mark.parametrize("field,value,message", [
    ("planned_sessions", 5, "between 6 and 12"),
    ("planned_sessions", 13, "between 6 and 12"),
    ("baseline_pain", -1, "0 to 10"),
    ("baseline_pain", 11, "0 to 10"),
    ("baseline_pain", 7.5, "0 to 10"),
    ("baseline_pain", None, "0 to 10"),
    ("diagnosis_code", "M54.5", "diagnosis"),
    ("region", "knee", "region"),
    ("frequency", "2x", "frequency"),
    ("baseline_peg_enjoyment", 5, "both PEG"),
])
def test_plan_course_refuses_bad_values(field, value, message):
    practitioner = make_user(Role.PRACTITIONER)
    with pytest.raises(TreatmentError, match=message) as caught:
        courses.plan_course(make_patient(), **plan_values(practitioner, **{field: value}))
    assert caught.value.field in (field, "baseline_peg_activity")
    db.session.rollback()
    assert course_count() == 0


def test_the_allowed_range_is_a_clinic_setting():
    update_settings({"course.max_sessions": "20"})
    db.session.commit()
    practitioner = make_user(Role.PRACTITIONER)
    course = courses.plan_course(make_patient(), **plan_values(practitioner,
                                                               planned_sessions=16))
    assert course.planned_sessions == 16


def test_only_an_active_practitioner_can_run_a_course():
    admin = make_user(Role.ADMIN)
    with pytest.raises(TreatmentError, match="practitioner"):
        courses.plan_course(make_patient(), **plan_values(admin))


def test_lifecycle_planned_active_completed_with_signals():
    course = make_course(status="planned")
    heard = []
    with course_status_changed.connected_to(
            lambda sender, previous_status: heard.append((previous_status, sender.status))):
        visit = make_visit(make_appointment(course), signed=False, pain_before=7, pain_after=5)
        sign_visit(visit, course.practitioner)
        courses.complete_course(course, discharge_pain=3)
    assert heard == [("planned", "active"), ("active", "completed")]
    assert course.discharge_pain == 3 and course.ended_at is not None


def test_completing_cancels_the_remaining_bookings():
    course = make_course()
    make_visit(make_appointment(course, starts_at=datetime(2026, 3, 2, 14, tzinfo=UTC)))
    later = make_appointment(course, starts_at=datetime(2026, 3, 5, 14, tzinfo=UTC))
    cancelled = []
    with appointment_cancelled.connected_to(lambda sender: cancelled.append(sender)):
        courses.complete_course(course, discharge_pain=2)
    assert later.status == "cancelled" and cancelled == [later]


def test_a_planned_course_cannot_be_completed_but_can_be_discontinued():
    course = make_course(status="planned")
    with pytest.raises(TreatmentError, match="Only an active course"):
        courses.complete_course(course, discharge_pain=3)
    with pytest.raises(TreatmentError, match="reason"):
        courses.discontinue_course(course, reason="  ")
    courses.discontinue_course(course, reason="Moved away")
    assert course.status == "discontinued" and course.discontinued_reason == "Moved away"
    with pytest.raises(TreatmentError, match="discontinued"):
        courses.extend_course(course, 10)


@pytest.mark.parametrize("pain", [-1, 11, 7.5, None])
def test_discharge_pain_must_be_0_to_10(pain):
    course = make_course()
    with pytest.raises(TreatmentError, match="0 to 10"):
        courses.complete_course(course, discharge_pain=pain)


def test_extend_within_the_allowed_range():
    course = make_course(planned_sessions=8)
    courses.extend_course(course, 10)
    assert course.planned_sessions == 10
    for too_many_or_few in (10, 9, 13):
        with pytest.raises(TreatmentError):
            courses.extend_course(course, too_many_or_few)
    assert course.planned_sessions == 10


def test_planned_sessions_cannot_drop_below_signed_sessions():
    course = make_course(planned_sessions=8)
    weekdays = [day for day in range(2, 12) if date(2026, 3, day).isoweekday() <= 5][:7]
    for day in weekdays:
        make_visit(make_appointment(course, starts_at=datetime(2026, 3, day, 14, tzinfo=UTC)))
    db.session.refresh(course)
    assert course.sessions_done == 7
    with pytest.raises(TreatmentError, match="7 sessions are already signed"):
        courses.update_course(course, expected_version=course.version,
                              **plan_values(course.practitioner, planned_sessions=6))
    db.session.rollback()
    assert db.session.get(Course, course.id).planned_sessions == 8


def test_a_stale_version_is_a_conflict_not_an_overwrite():
    course = make_course(goal="Original")
    seen = course.version
    course.goal = "Changed by a colleague"
    db.session.commit()
    with pytest.raises(ConflictError, match="Someone else changed"):
        courses.update_course(course, expected_version=seen,
                              **plan_values(course.practitioner, goal="Mine"))
    db.session.rollback()
    assert db.session.get(Course, course.id).goal == "Changed by a colleague"
