"""The practitioners' day and week schedule, and their private calendar feeds."""

from datetime import date, timedelta

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from tracker.audit.services import audit_read, record_event
from tracker.auth.access import public, roles_required, staff_required
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.forms import EARLIEST_DAY, LATEST_DAY
from tracker.treatments import feeds
from tracker.treatments.calendar import calendar_bytes
from tracker.treatments.queries import appointments_between, day_bounds, practitioners
from tracker.treatments.schedule_forms import ActionForm
from tracker.treatments.scheduling import clinic_zone
from tracker.treatments.view_helpers import as_local, local_today
from tracker.treatments.views import bp

ALL = "all"


def _chosen_day():
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return local_today()
    return day if EARLIEST_DAY <= day <= LATEST_DAY else local_today()


def _chosen_practitioner(staff):
    """The practitioner whose schedule is shown: ?practitioner=ID, or 'all'."""
    chosen = request.args.get("practitioner")
    if chosen is None:
        return current_user.id if current_user.is_practitioner else ALL
    if chosen == ALL:
        return ALL
    ids = {user.id for user in staff}
    try:
        return int(chosen) if int(chosen) in ids else ALL
    except ValueError:
        return ALL


@bp.route("/schedule/")
@staff_required
def schedule():
    day = _chosen_day()
    week = request.args.get("view") == "week"
    audit_read("schedule.view", details={"day": day.isoformat(), "week": week})
    staff = practitioners()  # loaded after the audit's commit, which expires what was loaded
    practitioner = _chosen_practitioner(staff)
    start_day = day - timedelta(days=day.weekday()) if week else day
    days = [start_day + timedelta(days=offset) for offset in range(7 if week else 1)]
    start, end = day_bounds(start_day, clinic_zone(), days=len(days))
    appointments = appointments_between(start, end,
                                        None if practitioner == ALL else practitioner)
    by_day = {each: [] for each in days}
    for appointment in appointments:
        by_day.setdefault(as_local(appointment.starts_at).date(), []).append(appointment)
    step = timedelta(days=7 if week else 1)
    return render_template(
        "treatments/schedule.html", day=day, days=days, week=week, by_day=by_day,
        staff=staff, practitioner=practitioner, today=local_today(),
        previous_day=day - step, next_day=day + step, open_weekdays=(
            clinic_settings().open_weekdays), action_form=ActionForm())


@bp.route("/schedule/calendar", methods=["GET", "POST"])
@roles_required("practitioner")
def calendar_settings():
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        token = feeds.regenerate_feed(current_user)
        record_event("calendar.feed.create", record=feeds.feed_of(current_user))
        db.session.commit()
        # shown once, on the next page: only the token's hash is stored
        session["new_feed_url"] = url_for("treatments.calendar_feed", token=token,
                                          _external=True)
        flash("A new calendar address was made; the old one no longer works.", "success")
        return redirect(url_for("treatments.calendar_settings"))
    return render_template("treatments/calendar_feed.html", feed=feeds.feed_of(current_user),
                           new_url=session.pop("new_feed_url", None),
                           action_form=ActionForm())


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token):
    """A practitioner's appointments for calendar apps; the token is the only credential."""
    user = feeds.feed_owner(token)
    if user is None:
        abort(404)
    audit_read("calendar.feed.export", user=user)
    settings = clinic_settings()
    body = calendar_bytes(feeds.feed_appointments(user), clinic_name=settings["clinic.name"],
                          location=settings["clinic.address"], for_practitioner=True,
                          name=f"{settings['clinic.name']}: {user.name}")
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})
