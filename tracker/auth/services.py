"""Use cases for accounts: create, authenticate, change password, end sessions."""

import sqlalchemy as sa

from tracker.auth.models import Role, User
from tracker.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from tracker.db import utcnow
from tracker.extensions import db


class AccountError(ValueError):
    """A problem with account data, phrased for the person who entered it."""


def normalise_email(email):
    return (email or "").strip().casefold()


def find_user_by_email(email):
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(*, email, name, password, role, patient=None):
    """Create an account; a patient account is linked to exactly one patient record."""
    email = normalise_email(email)
    if role not in set(Role):
        raise AccountError(f"Unknown role {role!r}.")
    if find_user_by_email(email):
        raise AccountError("An account with this email already exists.")
    if (role == Role.PATIENT) != (patient is not None):
        raise AccountError("A patient account needs a patient record; staff accounts have none.")
    if patient is not None and patient.user is not None:
        raise AccountError("This patient already has an account.")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), role=role)
    db.session.add(user)
    if patient is not None:
        patient.user = user
    db.session.flush()
    return user


# One hash to verify against when the email is unknown, so a wrong email costs as much time
# as a wrong password and response times do not reveal which accounts exist.
_DECOY_HASH = None


def authenticate(email, password):
    """The active user with these credentials, or None. Upgrades an outdated hash."""
    global _DECOY_HASH
    user = find_user_by_email(email)
    if user is None or not user.active:
        _DECOY_HASH = _DECOY_HASH or hash_password("decoy password for timing")
        verify_password(_DECOY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def end_sessions(user):
    """Make every cookie issued to this user so far useless."""
    user.session_version += 1
    db.session.flush()


def change_password(user, *, current_password, new_password):
    if not verify_password(user.password_hash, current_password or ""):
        raise AccountError("Your current password is not correct.")
    problem = password_problem(new_password, email=user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    return user
