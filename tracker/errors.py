"""Generic error pages: they say what happened and never how the app is built."""

from flask import current_app, jsonify, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account cannot open this page."),
    404: ("Not found", "There is nothing here, or you cannot see it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Changed by someone else", "Someone else saved this first. Reload and try again."),
    413: ("Too large", "What you sent is too large."),
    415: ("Not a form", "Send this from the page's form."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong", "The error was logged. Nothing you entered was saved."),
}


PLAIN_ERROR_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                    "<title>{title}</title></head><body><main><h1>{title}</h1><p>{message}</p>"
                    '<p><a href="/">Go to the home page</a></p></main></body></html>')


def wants_json():
    return request.path.startswith("/api/")


def render_error(code):
    title, message = MESSAGES.get(code, (f"Error {code}", ""))
    if wants_json():
        return jsonify(error=title, message=message), code
    try:
        return render_template("errors/error.html", code=code, title=title,
                               message=message), code
    except Exception:  # the page itself failed (the database is down): a bare page
        current_app.logger.exception("Error page %s could not be rendered", code)
        db.session.rollback()
        return PLAIN_ERROR_PAGE.format(title=escape(title), message=escape(message)), code


def init_app(app):
    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        if error.code and error.code < 400:
            return error
        if error.code == 400 and "CSRF" in (error.description or ""):
            return render_template(
                "errors/error.html", code=400, title="Form expired",
                message="The form had expired. Go back, reload the page and try again.",
            ), 400
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def handle_unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
