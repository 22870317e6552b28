"""Recording who saw or changed what, and finding it again.

Views record an event next to the change it describes, before their single commit, so the
event and the change are stored together or not at all. A page that only shows patient
data calls `audit_read`, which records and commits at once.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from tracker.audit import chain
from tracker.audit.models import AuditEvent, Outcome
from tracker.db import utcnow
from tracker.extensions import db
from tracker.forms import CONTROL_CHARACTERS

USER_AGENT_LENGTH = 200
ACTION_LENGTH = 60


def _clean(value, length=None):
    """Text fit for the audit row: no control characters (PostgreSQL refuses NUL), trimmed."""
    if value is None:
        return None
    value = CONTROL_CHARACTERS.sub("?", str(value))
    return value[:length] if length else value


def _plain(details):
    """Details as the JSON column will give them back, so the hash stays reproducible."""
    if details is None:
        return None
    return _clean_strings(json.loads(json.dumps(details, default=str)))


def _clean_strings(value):
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean_strings(item) for key, item in value.items()}
    return value


def _acting_user(user):
    if user is not None:
        return user
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _record_identity(record):
    if record is None:
        return None, None
    state = sa.inspect(record)
    if state.identity is None:
        db.session.flush()  # a new record needs its id before it can be named
    identity = state.identity
    return type(record).__name__, ":".join(str(part) for part in identity)


def _patient_of(record):
    from tracker.patients.models import Patient

    if isinstance(record, Patient):
        return record.id
    return getattr(record, "patient_id", None)


def record_event(action, *, patient_id=None, record=None, outcome="success", user=None,
                 details=None, email=None):
    """Record one audit event in the current transaction.

    `action` is a short verb phrase such as "patient.view", "visit.sign" or
    "course.export"; `record` is the model instance concerned (its table and id are kept,
    and its patient when `patient_id` is not given). The user and IP come from the current
    request when not given; `email` names who tried when there is no user (a failed login).
    The event is written at once, in the current transaction, and so committed (or rolled
    back) with the change it describes.
    """
    if outcome not in Outcome.ALL:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    if not 0 < len(action) <= ACTION_LENGTH:
        raise ValueError(f"An audit action is 1 to {ACTION_LENGTH} characters: {action!r}.")
    user = _acting_user(user)
    record_type, record_id = _record_identity(record)
    if patient_id is None:
        patient_id = _patient_of(record)
    patient_id = int(patient_id) if patient_id is not None else None
    event = AuditEvent(
        occurred_at=utcnow(), action=action, outcome=outcome, patient_id=patient_id,
        record_type=record_type, record_id=record_id, details=_plain(details),
        user_id=user.id if user else None,
        user_email=_clean(user.email if user else email, 254),
        role=user.role if user else None,
    )
    if has_request_context():
        event.ip = _clean(request.remote_addr, 45)
        event.user_agent = _clean(request.user_agent.string, USER_AGENT_LENGTH) or None
    return chain.append(db.session, event)


def record_refusal(action, **kwargs):
    """Record a refused request and commit it on its own.

    Whatever the request had not committed is rolled back first: the refusal discards it
    anyway, and an uncommitted append could otherwise hold the chain's lock.
    """
    db.session.rollback()
    event = record_event(action, outcome=Outcome.DENIED, **kwargs)
    db.session.commit()
    return event


def audit_read(action, **kwargs):
    """Record that patient data was shown, and commit: one line at the top of a GET view.

    The commit leaves what the view already loaded as it is (nothing expires), so the page
    shows the very rows the event records without loading them all again.
    """
    event = record_event(action, **kwargs)
    session = db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
    return event


@dataclass
class AuditFilter:
    patient_id: int | None = None
    user: str = ""
    action: str = ""
    start: object = None  #: inclusive UTC instant
    end: object = None  #: exclusive UTC instant


def search_events(criteria, *, page=1, per_page=50):
    """A page of events matching the criteria, newest first."""
    statement = sa.select(AuditEvent)
    if criteria.patient_id is not None:
        statement = statement.where(AuditEvent.patient_id == criteria.patient_id)
    if criteria.user:
        like = "%" + criteria.user.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        statement = statement.where(AuditEvent.user_email.ilike(like, escape="\\"))
    if criteria.action:
        statement = statement.where(AuditEvent.action == criteria.action)
    if criteria.start is not None:
        statement = statement.where(AuditEvent.occurred_at >= criteria.start)
    if criteria.end is not None:
        statement = statement.where(AuditEvent.occurred_at < criteria.end)
    statement = statement.order_by(AuditEvent.id.desc())
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def patient_names(patient_ids):
    """{id: "Last, First"} for the patients an audit page mentions."""
    from tracker.patients.models import Patient

    ids = {patient_id for patient_id in patient_ids if patient_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Patient.id, Patient.last_name, Patient.first_name)
                              .where(Patient.id.in_(ids)))
    return {row.id: f"{row.last_name}, {row.first_name}" for row in rows}


def known_actions():
    return db.session.scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()


def day_range(first: date | None, last: date | None, zone):
    """The instants bounding whole local days `first`..`last` in the clinic's zone."""
    start = datetime.combine(first, time(), zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    return start, end
