"""The visit record: drafting, signing and amending. Services flush; the caller commits.

A visit is drafted by the practitioner who sees the patient, signed once the needles are
all out, and never edited after that: corrections are amendments.
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tracker.audit.services import record_event
from tracker.auth.models import Role
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments.catalogue import ADVERSE_EVENTS, ASHI, POINTS, SIDES, TECHNIQUES
from tracker.treatments.courses import activate_course
from tracker.treatments.errors import ConflictError, TreatmentError, VisitLockedError
from tracker.treatments.guards import AMENDING
from tracker.treatments.models import (
    Amendment,
    AppointmentStatus,
    CourseStatus,
    Point,
    Visit,
    VisitPoint,
)
from tracker.treatments.safety import PointChoice, check_visit_safety, point_caution
from tracker.treatments.signals import visit_amended, visit_signed

RECORD_FIELDS = ("pain_before", "pain_after", "techniques", "needles_in", "needles_out",
                 "retention_minutes", "face_to_face_minutes", "adverse_events",
                 "adverse_event_notes", "estim_override_reason", "subjective", "objective",
                 "assessment", "plan", "home_plan")
#: what an amendment may correct, with the label shown in the amendment history
AMENDABLE_FIELDS = {
    "pain_before": "Pain before", "pain_after": "Pain after",
    "retention_minutes": "Retention (minutes)", "face_to_face_minutes": "Face-to-face minutes",
    "adverse_events": "Adverse events", "adverse_event_notes": "Adverse event notes",
    "subjective": "Subjective", "objective": "Objective", "assessment": "Assessment",
    "plan": "Plan", "home_plan": "Home acupressure plan",
}
NUMBER_LIMITS = {"needles_in": (0, 500, "Needles in"), "needles_out": (0, 500, "Needles out"),
                 "retention_minutes": (0, 120, "Retention"),
                 "face_to_face_minutes": (0, 240, "Face-to-face time")}
PAIN_LABELS = {"pain_before": "Pain before needling", "pain_after": "Pain after needling"}
#: notes stored as text: one left out is stored empty, never NULL
NOTE_FIELDS = ("adverse_event_notes", "subjective", "objective", "assessment", "plan",
               "home_plan")


def _notes_as_text(values):
    return values | {field: "" for field in NOTE_FIELDS
                     if field in values and values[field] is None}


def point_catalogue():
    """Every catalogue point by code: the seeded ones in their usual order (back points
    first), then any a clinic added, by code; ashi last."""
    seeded = [row[0] for row in POINTS]
    points = db.session.scalars(sa.select(Point)).all()
    points.sort(key=lambda point: (point.code == ASHI, point.code not in seeded,
                                   seeded.index(point.code) if point.code in seeded else 0,
                                   point.code))
    return {point.code: point for point in points}


def _whole(value, low, high, label, field, required):
    if value is None and not required:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TreatmentError(f"{label} must be a whole number from {low} to {high}.",
                             field=field)


def _validate_values(values, *, pains_required=False):
    for field, label in PAIN_LABELS.items():
        if field in values:
            _whole(values[field], 0, 10, label, field, pains_required)
    for field, (low, high, label) in NUMBER_LIMITS.items():
        if field in values:
            _whole(values[field], low, high, label, field, required=True)
    if not set(values.get("techniques", ())) <= {code for code, _ in TECHNIQUES}:
        raise TreatmentError("Choose techniques from the list.", field="techniques")
    events = set(values.get("adverse_events", ()))
    if not events <= {code for code, _ in ADVERSE_EVENTS}:
        raise TreatmentError("Choose adverse events from the list.", field="adverse_events")
    if "other" in events and not (values.get("adverse_event_notes") or "").strip():
        raise TreatmentError("Describe the other adverse event in the notes.",
                             field="adverse_event_notes")


def _validate_points(choices, catalogue):
    seen = set()
    for choice in choices:
        if choice.code not in catalogue:
            raise TreatmentError(f"{choice.code} is not in the point catalogue.", field="points")
        if choice.side not in dict(SIDES):
            raise TreatmentError(f"Choose a side for {choice.code}.", field="points")
        if choice.code == ASHI and not choice.location.strip():
            raise TreatmentError("Describe where each ashi point is.", field="points")
        key = (choice.code, choice.side, choice.location.strip())
        if key in seen:
            raise TreatmentError(f"{choice.code} ({choice.side}) is listed twice.",
                                 field="points")
        seen.add(key)


def _editable_visit(appointment, practitioner, expected_version):
    """The appointment's visit ready for editing (None for a new one); refuses what may not be."""
    if practitioner.role != Role.PRACTITIONER:
        raise TreatmentError("Only practitioners record visits.")
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        raise TreatmentError(f"This appointment is {appointment.status_label.lower()}; no "
                             "visit can be recorded for it.")
    visit = appointment.visit
    if visit is None:
        if expected_version is not None:
            raise ConflictError()
        return None
    if visit.is_signed:
        raise VisitLockedError()
    if visit.practitioner_id != practitioner.id:
        raise TreatmentError(f"Only {visit.practitioner.name}, who started this visit record, "
                             "can edit it.")
    if expected_version != visit.version:
        raise ConflictError()
    return visit


def save_visit(appointment, practitioner, *, values, points=(), expected_version=None,
               estim_pacemaker_confirmed=False):
    """Create or update the unsigned visit record of an appointment.

    `points` is a list of PointChoice. Cautioned points and e-stim need override reasons
    (SafetyError otherwise). A draft may have needles still in; signing checks the count.
    """
    visit = _editable_visit(appointment, practitioner, expected_version)
    values = _notes_as_text({field: values[field] for field in RECORD_FIELDS if field in values})
    _validate_values(values)
    catalogue = point_catalogue()
    _validate_points(points, catalogue)
    techniques = values.get("techniques", visit.techniques if visit else [])
    check_visit_safety(appointment.patient, techniques or [], points, catalogue,
                       estim_override_reason=values.get("estim_override_reason"),
                       estim_pacemaker_confirmed=estim_pacemaker_confirmed)
    creating = visit is None
    if creating:
        visit = Visit(appointment=appointment, patient_id=appointment.patient_id,
                      practitioner_id=practitioner.id, course_id=appointment.course_id)
        db.session.add(visit)
    for field, value in values.items():
        setattr(visit, field, value)
    visit.points = [_visit_point(choice, catalogue, appointment.patient) for choice in points]
    try:
        db.session.flush()
    except IntegrityError:  # another request created this appointment's visit meanwhile
        raise ConflictError() from None
    record_event("visit.create" if creating else "visit.update",
                 patient_id=visit.patient_id, record=visit)
    return visit


def _visit_point(choice, catalogue, patient):
    cautioned = point_caution(catalogue[choice.code], patient) is not None
    return VisitPoint(point_code=choice.code, side=choice.side,
                      location=choice.location.strip() if choice.code == ASHI else "",
                      override_reason=(choice.override_reason or "").strip() if cautioned
                      else None)


def _signed_count(course_id):
    return db.session.scalar(sa.select(sa.func.count(Visit.id)).where(
        Visit.course_id == course_id, Visit.signed_at.is_not(None)))


def _check_signable(visit, user):
    if visit.is_signed:
        raise VisitLockedError("This visit is already signed. To correct it, add an amendment.")
    if user.id != visit.practitioner_id:
        raise TreatmentError("Only the practitioner who recorded this visit can sign it.")
    for field, label in PAIN_LABELS.items():
        _whole(getattr(visit, field), 0, 10, label, field, required=True)
    if not visit.needles_match:
        raise TreatmentError(
            f"Needles out ({visit.needles_out}) must equal needles in ({visit.needles_in}) "
            "before the visit can be signed. Count again and remove every needle.",
            field="needles_out")
    if not visit.patient.has_consent:
        raise TreatmentError(f"No consent is on file for {visit.patient.full_name}. Record "
                             "the signed consent form on the patient's page, then sign.")
    if visit.appointment.status != AppointmentStatus.BOOKED:
        raise TreatmentError(f"The appointment is {visit.appointment.status_label.lower()}.")
    course = visit.course
    if course is not None and not course.is_open:
        raise TreatmentError(f"The course is {course.status}; no more visits can be signed "
                             "in it.")
    choices = [PointChoice(vp.point_code, vp.side, vp.location, vp.override_reason)
               for vp in visit.points]
    check_visit_safety(visit.patient, visit.techniques or [], choices, point_catalogue(),
                       estim_override_reason=visit.estim_override_reason,
                       estim_pacemaker_confirmed=bool(visit.estim_override_reason))


def sign_visit(visit, user, *, expected_version=None, now=None):
    """Sign a visit: it becomes immutable, its appointment completed, its course advanced.

    Sets the session number, activates a planned course, and sends `visit_signed`.
    """
    if expected_version is not None and visit.version != expected_version:
        raise ConflictError()
    _check_signable(visit, user)
    course = visit.course
    if course is not None:
        done = _signed_count(course.id)
        if done >= course.planned_sessions:
            raise TreatmentError(f"All {course.planned_sessions} planned sessions are signed: "
                                 "extend the course to sign another visit.")
        visit.session_number = done + 1
    visit.signed_at = now or utcnow()
    visit.signed_by_id = user.id
    visit.appointment.status = AppointmentStatus.COMPLETED
    db.session.flush()
    if course is not None and course.status == CourseStatus.PLANNED:
        activate_course(course)
    visit_signed.send(visit)
    record_event("visit.sign", patient_id=visit.patient_id, record=visit)
    return visit


def is_last_planned_session(visit):
    course = visit.course
    return (course is not None and course.is_open and visit.session_number is not None
            and visit.session_number >= course.planned_sessions)


def _amended_fields(visit, changes):
    """The amendable fields whose values really change, validated.

    A field not sent at all (None) is left as it is; an emptied note arrives as "".
    """
    changes = {field: value for field, value in changes.items()
               if field in AMENDABLE_FIELDS and value is not None
               and getattr(visit, field) != value}
    if not changes:
        raise TreatmentError("Nothing was changed: change at least one field to amend.")
    _validate_values(changes, pains_required=True)
    return changes


def amend_visit(visit, author, *, reason, changes, expected_version=None, now=None):
    """Correct a signed visit: applies the changes and records who, when, why and what.

    `changes` maps amendable fields to their corrected values; unchanged ones are ignored.
    Sends `visit_amended(amendment=...)`.
    """
    if expected_version is not None and visit.version != expected_version:
        raise ConflictError()
    if not visit.is_signed:
        raise TreatmentError("This visit is not signed yet: edit it directly.")
    if author.role != Role.PRACTITIONER:
        raise TreatmentError("Only practitioners amend visits.")
    reason = (reason or "").strip()
    if not reason:
        raise TreatmentError("Say why the visit is being corrected.", field="reason")
    changes = _amended_fields(visit, changes)
    recorded = {field: {"from": getattr(visit, field), "to": value}
                for field, value in changes.items()}
    setattr(visit, AMENDING, True)
    try:
        for field, value in changes.items():
            setattr(visit, field, value)
        amendment = Amendment(visit=visit, author_id=author.id, reason=reason,
                              changes=recorded, created_at=now or utcnow())
        db.session.add(amendment)
        db.session.flush()
    finally:
        setattr(visit, AMENDING, False)
    visit_amended.send(visit, amendment=amendment)
    record_event("visit.amend", patient_id=visit.patient_id, record=amendment)
    return amendment
