"""The outbox page for admins, and the public pages behind links in emails.

The public pages (/checkin/<token>, /unsubscribe/<token>) are reached without logging in
and never log anyone in: the signed token is the only credential, and it grants one
action. Web requests only write rows; no email leaves from here.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from tracker.audit.services import audit_read
from tracker.auth.access import get_scoped_or_404, public, roles_required
from tracker.db import utcnow
from tracker.extensions import csrf, db
from tracker.forms import page_number
from tracker.reminders import services
from tracker.reminders.forms import ActionForm, CheckinForm
from tracker.reminders.models import CheckinPurpose, Reminder, ReminderKind, ReminderStatus
from tracker.reminders.tokens import (
    LinkError,
    open_checkin_token,
    patient_id_from_unsubscribe_token,
)

bp = Blueprint("reminders", __name__)

LINK_PROBLEMS = {
    "invalid": (404, "This link does not work",
                "The link is incomplete or was changed. Please use the link exactly as it "
                "appears in the email, or contact the clinic."),
    "used": (410, "This check-in was already answered",
             "Each check-in link can be used once, and this one has been. Thank you!"),
    "expired": (410, "This check-in link has expired",
                "Check-in links work for a limited time. You will get a new one with the "
                "next check-in, or you can contact the clinic."),
}


def link_problem(reason):
    code, title, message = LINK_PROBLEMS[reason]
    return render_template("reminders/link_problem.html", title=title, message=message), code


@bp.route("/admin/reminders")
@roles_required("admin")
def outbox():
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    status = status if status in ReminderStatus.ALL else ""
    kind = kind if kind in ReminderKind.ALL else ""
    page = services.outbox_page(status=status or None, kind=kind or None,
                                page=page_number(request.args))
    audit_read("reminders.outbox.view")
    return render_template("reminders/outbox.html", page=page, status=status, kind=kind,
                           counts=services.status_counts(), count_cap=services.COUNT_CAP,
                           statuses=ReminderStatus.ALL,
                           kinds=ReminderKind.LABELS, action_form=ActionForm())


@bp.route("/admin/reminders/<int:reminder_id>/retry", methods=["POST"])
@roles_required("admin")
def retry(reminder_id):
    reminder = get_scoped_or_404(Reminder, reminder_id)
    if ActionForm().validate_on_submit():
        try:
            services.retry_reminder(reminder)
        except services.ReminderError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("The reminder is queued again and will be sent on the next run.", "success")
    return redirect(url_for("reminders.outbox", status=request.args.get("status") or None))


@bp.route("/checkin/thanks")
@public
def checkin_thanks():
    return render_template("reminders/checkin_thanks.html")


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@public
def checkin(token):
    now = utcnow()
    try:
        link = open_checkin_token(token, now)
    except LinkError as error:
        return link_problem(error.reason)
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            services.record_checkin_from_link(link, now=now,
                                              **form.service_values(link.purpose))
        except LinkError as error:
            db.session.rollback()
            return link_problem(error.reason)
        db.session.commit()
        return redirect(url_for("reminders.checkin_thanks"))
    followup = link.purpose == CheckinPurpose.FOLLOWUP
    return render_template("reminders/checkin.html", form=form, followup=followup,
                           first_name=link.patient.first_name), 422 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no form token
def unsubscribe(token):
    """GET shows a confirmation (link scanners must not unsubscribe anyone); POST acts."""
    try:
        patient = services.load_patient(patient_id_from_unsubscribe_token(token))
    except LinkError:
        patient = None
    if patient is None:
        return link_problem("invalid")
    if request.method == "POST":
        services.unsubscribe_patient(patient)
        db.session.commit()
        return render_template("reminders/unsubscribed.html")
    return render_template("reminders/unsubscribe.html", subscribed=patient.reminder_opt_in)

