"""Who may reach what: the login requirement, role guards and patient scoping.

Every query for patient-scoped rows goes through `scoped()` or `get_scoped_or_404()`, so
a patient can only ever load their own rows. Staff (practitioners and admins) see every
patient of the clinic: a small clinic shares its patients, covers for colleagues and
bills for all of them. Clinical writing is narrower and is checked where it happens:
only the visit's own practitioner edits or signs an unsigned visit
(`require_practitioner_of`); a signed visit is corrected by an amendment, which any
practitioner may add; admins schedule and bill but write no clinical notes.
"""

from functools import wraps

import sqlalchemy as sa
from flask import abort, has_request_context
from flask_login import AnonymousUserMixin, current_user

from tracker.extensions import db


def public(view):
    """Mark a view as reachable without logging in (the default is login required)."""
    view.is_public = True
    return view


def roles_required(*roles):
    """Allow only these roles; anonymous users get the login page.

    A patient gets 404 (staff pages do not exist for them, and nothing reveals whether an
    id is real); staff of the wrong role get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404 if current_user.is_patient else 403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def staff_required(view):
    return roles_required("admin", "practitioner")(view)


class AnonymousUser(AnonymousUserMixin):
    role = None
    is_patient = is_staff = is_practitioner = is_admin = False
    patient = None


MAX_RECORD_ID = 2**63 - 1
NO_PATIENT = -1  # matches no row: what an anonymous request or an unlinked patient sees


def own_patient_id():
    """The patient id the current user is confined to, or None when unrestricted.

    Staff are unrestricted, and so are the CLI and scheduled jobs, which run outside any
    request. Within a request, anyone who is not staff is confined to their own patient.
    """
    if not has_request_context():
        return None
    if current_user.is_staff:
        return None
    if current_user.is_patient and current_user.patient is not None:
        return current_user.patient.id
    return NO_PATIENT


def scoped(statement, patient_id_column):
    """Restrict a SELECT to the rows the current user may see."""
    patient_id = own_patient_id()
    if patient_id is not None:
        statement = statement.where(patient_id_column == patient_id)
    return statement


def get_scoped_or_404(model, record_id, *options):
    """Load one patient-scoped record, or 404 when it is absent or not the user's.

    `model` is `Patient` itself or any model with a `patient_id` column.
    """
    from tracker.patients.models import Patient

    column = model.id if model is Patient else model.patient_id
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < record_id <= MAX_RECORD_ID:
        abort(404)  # also keeps ids beyond 64 bits away from the database driver
    statement = scoped(sa.select(model).where(model.id == record_id), column)
    if options:
        statement = statement.options(*options)
    record = db.session.scalar(statement)
    if record is None:
        _audit_refused_access(model, column, record_id)
        abort(404)
    return record


def _audit_refused_access(model, patient_column, record_id):
    """A confined user asked for a record that exists but is not theirs: worth recording."""
    from tracker.audit.services import record_refusal

    if own_patient_id() is None:
        return
    owner = db.session.scalar(sa.select(patient_column).where(model.id == record_id))
    if owner is not None:
        record_refusal("access.denied", patient_id=owner,
                       details={"record_type": model.__name__, "record_id": record_id})


def require_practitioner_of(record):
    """Stop unless the current user is the practitioner `record` (a visit) belongs to.

    Patients get 404 like for any staff page; other staff get 403.
    """
    if not current_user.is_staff:
        abort(404)
    if not (current_user.is_practitioner and record.practitioner_id == current_user.id):
        abort(403)
    return record
