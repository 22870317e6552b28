from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from tracker.audit.models import Outcome
from tracker.audit.services import record_event, record_refusal
from tracker.auth import services
from tracker.auth.access import public
from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.db import utcnow
from tracker.extensions import db, limiter

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Email or password is incorrect."


def safe_next_url(target):
    """`target` when it is a path on this site, otherwise None.

    Refuses absolute URLs, scheme-relative ones (`//evil.example`) and the backslash form
    browsers treat as scheme-relative (`/\\evil.example`).
    """
    if not target or any(ord(char) < 32 for char in target):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_account_key():
    return "login-account:" + services.normalise_email(request.form.get("email"))


def _audit_refused_login(request_limit):
    """Record a login refused by a rate limit; the 429 page itself comes from tracker.errors."""
    record_refusal("auth.login", email=request.form.get("email", "")[:254],
                   details={"reason": "rate limit", "limit": str(request_limit.limit)})


@bp.route("/")
def index():
    if current_user.is_patient:
        return redirect(url_for("portal.home"))
    return redirect(url_for("patients.index"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"], methods=["POST"],
               on_breach=_audit_refused_login)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key, on_breach=_audit_refused_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            record_event("auth.login", user=user)
            db.session.commit()
            session.clear()  # a fresh session at login: no fixation
            session.permanent = True
            session["login_at"] = utcnow().timestamp()
            login_user(user)
            return redirect(safe_next_url(form.next.data) or url_for("auth.index"))
        record_event("auth.login", outcome=Outcome.FAILURE, email=form.email.data,
                     user=services.find_user_by_email(form.email.data))
        db.session.commit()
        form.password.errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_sessions(current_user._get_current_object())
    record_event("auth.logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, current_password=form.current_password.data,
                                     new_password=form.new_password.data)
        except services.AccountError as error:
            field = form.current_password if "current" in str(error) else form.new_password
            field.errors.append(str(error))
            db.session.rollback()
            record_event("auth.password_change", outcome=Outcome.FAILURE, user=user)
            db.session.commit()
        else:
            record_event("auth.password_change", user=user)
            db.session.commit()
            login_user(user)  # a new cookie carrying the new session version
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("auth.index"))
    return render_template("auth/change_password.html", form=form)
