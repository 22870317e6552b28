"""Request-wide protections: login by default, session lifetimes and response headers."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, current_app, jsonify, request, session
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import retention  # noqa: F401  (refuses deleting health records on any flush)
from tracker.extensions import db, login_manager

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


@login_manager.user_loader
def load_user(user_id):
    """Load the user a cookie names, unless its session version is out of date."""
    from tracker.auth.models import User

    try:
        user_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == user_id))
    if user is None or user.session_version != version:
        return None
    return user


def init_app(app):
    from tracker.auth.access import AnonymousUser

    login_manager.anonymous_user = AnonymousUser
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.before_request(require_login)
    app.before_request(refuse_json_bodies)
    app.after_request(set_security_headers)


def require_login():
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False) or request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        return _unauthorized()
    if _login_expired():
        logout_user()
        session.clear()
        return _unauthorized()
    return None


def refuse_json_bodies():
    """Every form takes form data. Flask-WTF would read a JSON body as form data too, and
    fields expect strings: a list or a number in JSON would fail inside a form or service.
    No endpoint here accepts JSON, so a JSON body is refused before any view sees it."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.is_json:
        abort(415)


def _unauthorized():
    """The login page for pages; a JSON 401 for /api/ (a script cannot follow a redirect)."""
    if request.path.startswith("/api/"):
        return jsonify(error="Not signed in", message="Sign in to see this."), 401
    return login_manager.unauthorized()


def _login_expired():
    login_at = session.get("login_at")
    if login_at is None:
        return True
    age = datetime.now(UTC).timestamp() - float(login_at)
    return age > current_app.config["SESSION_ABSOLUTE_LIFETIME"]


def set_security_headers(response):
    if not current_app.config["SEND_SECURITY_HEADERS"]:
        return response
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages carry health data: never keep them in a shared or back-button cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response
