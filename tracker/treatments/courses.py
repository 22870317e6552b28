"""Planning a course and moving it through its life: planned → active → completed or
discontinued. Services flush; the caller commits."""

from tracker.audit.services import record_event
from tracker.auth.models import Role, User
from tracker.clinic.settings import clinic_settings
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.catalogue import DIAGNOSIS_LABELS, REGIONS
from tracker.treatments.errors import ConflictError, TreatmentError
from tracker.treatments.frequency import parse_frequency
from tracker.treatments.models import AppointmentStatus, Course, CourseStatus
from tracker.treatments.scheduling import cancel_appointment
from tracker.treatments.signals import course_status_changed

EDITABLE_FIELDS = ("practitioner_id", "diagnosis_code", "region", "planned_sessions",
                   "frequency", "start_on", "goal", "baseline_pain", "baseline_peg_enjoyment",
                   "baseline_peg_activity")


def session_range(settings=None):
    settings = settings or clinic_settings()
    return settings["course.min_sessions"], settings["course.max_sessions"]


def check_planned_sessions(planned, *, at_least=0):
    """Refuse a course length outside the clinic's allowed range (a clinic setting)."""
    low, high = session_range()
    if planned is None or not low <= planned <= high:
        raise TreatmentError(f"Plan between {low} and {high} sessions (the clinic's allowed "
                             "range, set in clinic settings).", field="planned_sessions")
    if planned < at_least:
        raise TreatmentError(f"{at_least} sessions are already signed; plan at least that "
                             "many.", field="planned_sessions")


def _check_pain(value, field, label, required=True):
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise TreatmentError(f"{label} must be a whole number from 0 to 10.", field=field)


def _check_practitioner(practitioner_id):
    user = db.session.get(User, practitioner_id) if practitioner_id else None
    if user is None or user.role != Role.PRACTITIONER or not user.active:
        raise TreatmentError("Choose an active practitioner.", field="practitioner_id")


def _validate(values, at_least=0):
    _check_practitioner(values.get("practitioner_id"))
    if values["diagnosis_code"] not in DIAGNOSIS_LABELS:
        raise TreatmentError("Choose a diagnosis from the list.", field="diagnosis_code")
    if values["region"] not in dict(REGIONS):
        raise TreatmentError("Choose a back-pain region from the list.", field="region")
    check_planned_sessions(values["planned_sessions"], at_least=at_least)
    try:
        parse_frequency(values["frequency"])
    except ValueError as error:
        raise TreatmentError(str(error), field="frequency") from None
    _check_pain(values["baseline_pain"], "baseline_pain", "Baseline pain")
    for name, label in (("baseline_peg_enjoyment", "Enjoyment of life"),
                        ("baseline_peg_activity", "General activity")):
        _check_pain(values.get(name), name, label, required=False)
    if (values.get("baseline_peg_enjoyment") is None) != (
            values.get("baseline_peg_activity") is None):
        raise TreatmentError("Enter both PEG interference scores, or neither.",
                             field="baseline_peg_activity")


def _apply(course, values):
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(course, field, values[field])
    course.diagnosis_label = DIAGNOSIS_LABELS[course.diagnosis_code]
    course.goal = (course.goal or "").strip()


def plan_course(patient, **values):
    """Create a planned course for a patient; the first signed visit makes it active."""
    if patient.is_archived:
        raise TreatmentError(f"{patient.full_name} is archived; restore the record first.")
    _validate(values)
    course = Course(patient=patient, status=CourseStatus.PLANNED)
    _apply(course, values)
    db.session.add(course)
    db.session.flush()
    record_event("course.create", patient_id=patient.id, record=course)
    return course


def check_version(course, expected_version):
    if expected_version is not None and course.version != expected_version:
        raise ConflictError()


def update_course(course, *, expected_version, **values):
    """Save edits to a planned or active course, made to the version the editor saw."""
    check_version(course, expected_version)
    _require_open(course, "edited")
    _validate(values, at_least=course.sessions_done)
    _apply(course, values)
    db.session.flush()
    record_event("course.update", patient_id=course.patient_id, record=course)
    return course


def extend_course(course, planned_sessions, *, expected_version=None):
    """Plan more sessions, within the clinic's allowed range."""
    check_version(course, expected_version)
    _require_open(course, "extended")
    if planned_sessions is None or planned_sessions <= course.planned_sessions:
        raise TreatmentError(f"Enter more than the {course.planned_sessions} sessions "
                             "already planned.", field="planned_sessions")
    check_planned_sessions(planned_sessions)
    course.planned_sessions = planned_sessions
    db.session.flush()
    record_event("course.extend", patient_id=course.patient_id, record=course)
    return course


def _require_open(course, doing):
    if not course.is_open:
        raise TreatmentError(f"This course is {course.status}; it cannot be {doing}.")


def _change_status(course, status, now=None):
    previous = course.status
    course.status = status
    if status in (CourseStatus.COMPLETED, CourseStatus.DISCONTINUED):
        course.ended_at = now or utcnow()
    db.session.flush()
    course_status_changed.send(course, previous_status=previous)


def activate_course(course):
    """planned → active, on the first signed visit."""
    if course.status == CourseStatus.PLANNED:
        _change_status(course, CourseStatus.ACTIVE)


def _cancel_remaining(course, reason, now=None):
    for appointment in list(course.appointments):
        if appointment.status == AppointmentStatus.BOOKED:
            cancel_appointment(appointment, reason, now=now)


def complete_course(course, *, discharge_pain, discharge_notes="", expected_version=None,
                    now=None):
    """Discharge an active course with a final pain score; remaining bookings are cancelled."""
    check_version(course, expected_version)
    if course.status != CourseStatus.ACTIVE:
        raise TreatmentError("Only an active course (one with a signed visit) can be "
                             "completed; discontinue a course that never started.")
    _check_pain(discharge_pain, "discharge_pain", "Discharge pain")
    course.discharge_pain = discharge_pain
    course.discharge_notes = (discharge_notes or "").strip()
    _cancel_remaining(course, "Course completed", now)
    _change_status(course, CourseStatus.COMPLETED, now)
    record_event("course.complete", patient_id=course.patient_id, record=course)
    return course


def discontinue_course(course, *, reason, expected_version=None, now=None):
    """Stop a planned or active course early, with a reason; remaining bookings are cancelled."""
    check_version(course, expected_version)
    _require_open(course, "discontinued")
    reason = (reason or "").strip()
    if not reason:
        raise TreatmentError("Give the reason the course is stopping.", field="reason")
    course.discontinued_reason = reason
    _cancel_remaining(course, "Course discontinued", now)
    _change_status(course, CourseStatus.DISCONTINUED, now)
    record_event("course.discontinue", patient_id=course.patient_id, record=course)
    return course
