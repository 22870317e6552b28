"""Use cases for patient records. Services flush; the caller commits."""

import sqlalchemy as sa

from tracker.auth.access import scoped
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import SEARCH_TEXT, Patient

EDITABLE_FIELDS = (
    "first_name", "last_name", "date_of_birth", "email", "phone", "timezone",
    "preferred_practitioner_id", "is_pregnant", "pregnancy_due_on", "takes_anticoagulants",
    "has_bleeding_disorder", "has_pacemaker", "is_immunocompromised", "safety_notes",
    "reminder_opt_in",
)


class StaleRecordError(Exception):
    """Someone else saved the record after this form was loaded."""

    def __init__(self, message="Someone else changed this record while you were editing it. "
                               "Your changes were not saved; reload to see theirs."):
        super().__init__(message)


def _apply(patient, values):
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(patient, field, values[field])
    if not patient.is_pregnant:
        patient.pregnancy_due_on = None
    if patient.email:
        patient.email = patient.email.strip().casefold()


def create_patient(**values):
    patient = Patient()
    _apply(patient, values)
    if values.get("consent_version"):
        record_consent(patient, values["consent_version"])
    db.session.add(patient)
    db.session.flush()
    return patient


def update_patient(patient, *, expected_version, **values):
    """Save edits made to the version the editor saw; refuse if it has moved on."""
    if patient.version != expected_version:
        raise StaleRecordError()
    _apply(patient, values)
    db.session.flush()
    return patient


def record_consent(patient, version, signed_at=None):
    patient.consent_version = version
    patient.consent_signed_at = signed_at or utcnow()
    db.session.flush()
    return patient


def archive_patient(patient):
    if patient.archived_at is None:
        patient.archived_at = utcnow()
        db.session.flush()
    return patient


def restore_patient(patient):
    patient.archived_at = None
    db.session.flush()
    return patient


def search_patients(query="", *, include_archived=False, page=1, per_page=25):
    """A page of patients matching a name, email or phone fragment, by last name."""
    statement = scoped(sa.select(Patient), Patient.id)
    if not include_archived:
        statement = statement.where(Patient.archived_at.is_(None))
    for term in (query or "").split()[:5]:
        like = f"%{_escape_like(term)}%"
        statement = statement.where(SEARCH_TEXT.like(sa.func.lower(like), escape="\\"))
    statement = statement.order_by(Patient.last_name, Patient.first_name, Patient.id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def _escape_like(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
