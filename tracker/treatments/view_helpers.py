"""Small helpers the clinical views share: errors next to fields, conflicts, local times."""

from datetime import datetime

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.treatments.errors import ConflictError, ProblemsError
from tracker.treatments.scheduling import clinic_zone

#: status codes: a rule refused the change; someone else saved first
REFUSED, CONFLICT = 422, 409


def attach_error(form, error):
    """Put a service error next to its field; returns the message for the page's alert."""
    message = str(error)
    if form is None:
        return message
    targets = {getattr(error, "field", None): message}
    targets |= getattr(error, "problems", {})
    for field, text in targets.items():
        if isinstance(field, str) and field in form:
            form[field].errors = [*form[field].errors, text]
    return message


def run_service(call, *args, **kwargs):
    """Run a service; a concurrent version bump seen at flush becomes a ConflictError."""
    try:
        return call(*args, **kwargs)
    except StaleDataError:
        raise ConflictError() from None


def refuse(template, error, *, form=None, **context):
    """Roll back and re-render the page with the error; nothing was written."""
    db.session.rollback()
    status = CONFLICT if isinstance(error, ConflictError) else REFUSED
    problems = error.problems if isinstance(error, ProblemsError) else {}
    message = attach_error(form, error)
    return render_template(template, form=form, error=message, problems=problems,
                           **context), status


def local_now():
    return datetime.now(clinic_zone())


def local_today():
    return local_now().date()


def as_local(instant):
    return instant.astimezone(clinic_zone())


def require_practitioner():
    if not current_user.is_practitioner:
        abort(403)
