"""What a patient sees: their courses, progress, appointments, balance and check-ins."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.audit.services import audit_read, record_event
from tracker.auth.access import get_scoped_or_404, roles_required
from tracker.extensions import db
from tracker.portal import services
from tracker.portal.forms import CheckinForm
from tracker.treatments.checkins import CheckinError, checked_in_today, record_checkin
from tracker.treatments.models import CheckinSource, Course
from tracker.treatments.progress import courses_of, load_course_progress, load_progress

bp = Blueprint("portal", __name__, url_prefix="/portal")


def current_patient():
    patient = current_user.patient
    if patient is None:
        abort(404)
    return patient


@bp.route("/")
@roles_required("patient")
def home():
    return render_home(CheckinForm())


def render_home(form):
    patient = current_patient()
    courses = courses_of(patient)
    progresses = load_progress(courses)
    audit_read("portal.home.view", patient_id=patient.id, record=patient)
    return render_template(
        "portal/home.html", patient=patient, form=form, progresses=progresses,
        appointments=services.upcoming_appointments(patient),
        session_numbers=services.session_numbers(progresses),
        home_plan=services.latest_home_plan(patient),
        checked_in_today=checked_in_today(patient),
        checkin_course=services.checkin_course(courses))


@bp.route("/courses/<int:course_id>")
@roles_required("patient")
def course(course_id):
    course = get_scoped_or_404(Course, course_id)
    progress = load_course_progress(course)
    audit_read("course.progress.view", patient_id=course.patient_id, record=course)
    return render_template("portal/course.html", course=course, progress=progress,
                           patient=current_patient())


@bp.route("/checkin", methods=["POST"])
@roles_required("patient")
def checkin():
    """Today's pain score from the portal: one a day, on the patient's own calendar."""
    patient = current_patient()
    form = CheckinForm()
    if not form.validate_on_submit():
        return render_home(form)
    course = services.checkin_course(courses_of(patient))
    try:
        checkin = record_checkin(patient, course, source=CheckinSource.PORTAL,
                                 **form.service_values())
    except CheckinError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return redirect(url_for("portal.home"))
    record_event("checkin.record", record=checkin)
    db.session.commit()
    flash("Thank you — your score is recorded.", "success")
    return redirect(url_for("portal.home"))
