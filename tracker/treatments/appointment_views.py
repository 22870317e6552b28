"""Booking pages: a course's series, single appointments, reschedule, cancel, no-show."""

from datetime import time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from tracker.audit.services import audit_read
from tracker.auth.access import get_scoped_or_404, staff_required
from tracker.auth.models import User
from tracker.clinic.settings import clinic_settings
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments import scheduling
from tracker.treatments.errors import BookingError, TreatmentError
from tracker.treatments.form_fields import submitted_version
from tracker.treatments.queries import (
    load_appointment,
    load_course,
    patient_courses,
    practitioners,
)
from tracker.treatments.schedule_forms import (
    ActionForm,
    AppointmentForm,
    CancelForm,
    ConfirmSeriesForm,
    ProposeSeriesForm,
    RescheduleForm,
)
from tracker.treatments.signals import booking_warnings, collect
from tracker.treatments.view_helpers import as_local, local_today, refuse, run_service
from tracker.treatments.views import bp

DEFAULT_TIME = time(9, 0)


def _default_start(course):
    """The day after the course's last live appointment, or its start, never before today."""
    live = course.live_appointments
    first = live[-1].starts_at.astimezone(scheduling.clinic_zone()).date() + timedelta(days=1) \
        if live else course.start_on
    return max(first, local_today())


def _shown_version(record):
    """The version a form shows: on a POST only the submitted one counts, so a form sent
    without it is refused as a conflict rather than taken as up to date."""
    return record.version if request.method == "GET" else None


def _default_time():
    opens = clinic_settings()["clinic.opens_at"]
    return max(DEFAULT_TIME, opens)


def _proposal_rows(course, propose_form):
    starts = scheduling.propose_series(course, propose_form.first_day.data,
                                       propose_form.at_time.data)
    return [{"include": True, "day": as_local(when).date(), "at_time": as_local(when).time()}
            for when in starts]


def _row_starts(form):
    zone = scheduling.clinic_zone()
    return [scheduling.clinic_instant(row.form.day.data, row.form.at_time.data, zone)
            for row in form.chosen_rows() if row.form.day.data and row.form.at_time.data]


def _row_checks(course, form, duration):
    """Clinic-hours and clash problems of each row, shown before confirming."""
    return {index: problem for index, row in enumerate(form.sessions)
            if row.form.day.data and row.form.at_time.data and (problem := scheduling
            .booking_problem(course.practitioner_id, scheduling.clinic_instant(
                row.form.day.data, row.form.at_time.data), duration or 45))}


def _book_page(course, propose, confirm, status=200, error=None, problems=None):
    starts = _row_starts(confirm) if confirm is not None else []
    warnings = collect(booking_warnings, course.patient, course=course, starts_at=starts)
    checks = problems if problems is not None else (
        _row_checks(course, confirm, confirm.duration.data) if confirm is not None else {})
    return render_template(
        "treatments/course_book.html", course=course, patient=course.patient, propose=propose,
        form=confirm, warnings=warnings, problems=checks, error=error,
        remaining=scheduling.remaining_to_book(course),
        hours=scheduling.opening_hours_text()), status


@bp.route("/courses/<int:course_id>/book", methods=["GET", "POST"])
@staff_required
def course_book(course_id):
    course = load_course(course_id)
    if request.method == "GET":
        audit_read("course.view", record=course, details={"page": "book"})
        propose = ProposeSeriesForm(request.args if request.args else None,
                                    first_day=_default_start(course), at_time=_default_time())
        confirm = None
        if request.args and propose.validate():
            confirm = ConfirmSeriesForm(formdata=None, duration=propose.duration.data,
                                        sessions=_proposal_rows(course, propose))
        return _book_page(course, propose, confirm)
    confirm = ConfirmSeriesForm()
    propose = ProposeSeriesForm(None, first_day=_default_start(course), at_time=_default_time())
    if not confirm.validate_on_submit():
        return _book_page(course, propose, confirm)
    try:
        booked = scheduling.book_series(course, _row_starts(confirm), confirm.duration.data)
    except BookingError as error:
        db.session.rollback()
        chosen = [index for index, row in enumerate(confirm.sessions) if row.form.include.data]
        problems = {chosen[index]: message for index, message in error.problems.items()}
        return _book_page(course, propose, confirm, 422, str(error), problems)
    except TreatmentError as error:
        db.session.rollback()
        return _book_page(course, propose, confirm, 422, str(error))
    db.session.commit()
    flash(f"{len(booked)} appointment{'s' if len(booked) != 1 else ''} booked.", "success")
    return redirect(url_for("treatments.course_detail", course_id=course.id))


@bp.route("/appointments/new", methods=["GET", "POST"])
@staff_required
def appointment_new():
    patient = get_scoped_or_404(Patient, request.args.get("patient_id"))
    courses = [course for course in patient_courses(patient) if course.is_open]
    course_id = request.args.get("course_id", type=int) or 0
    form = AppointmentForm(practitioners=practitioners(), courses=courses,
                           practitioner_id=(patient.preferred_practitioner_id or 0),
                           course_id=course_id, starts_on=local_today(),
                           at_time=_default_time())
    context = {"patient": patient, "hours": scheduling.opening_hours_text()}
    if request.method == "GET":
        audit_read("patient.view", record=patient, details={"page": "book an appointment"})
    if form.validate_on_submit():
        practitioner = db.session.get(User, form.practitioner_id.data)
        course = next((c for c in courses if c.id == form.course_id.data), None)
        starts_at = scheduling.clinic_instant(form.starts_on.data, form.at_time.data)
        try:
            appointment = scheduling.book_appointment(
                patient, practitioner, starts_at, form.duration.data, course=course,
                notes=form.notes.data)
        except TreatmentError as error:
            return refuse("treatments/appointment_form.html", error, form=form, **context)
        db.session.commit()
        flash("Appointment booked.", "success")
        return redirect(url_for("treatments.appointment_detail", appointment_id=appointment.id))
    return render_template("treatments/appointment_form.html", form=form, **context)


@bp.route("/appointments/<int:appointment_id>")
@staff_required
def appointment_detail(appointment_id):
    appointment = load_appointment(appointment_id)
    audit_read("appointment.view", patient_id=appointment.patient_id, record=appointment)
    return render_template("treatments/appointment_detail.html", appointment=appointment,
                           patient=appointment.patient, action_form=ActionForm(
                               version=appointment.version))


@bp.route("/appointments/<int:appointment_id>/reschedule", methods=["GET", "POST"])
@staff_required
def appointment_reschedule(appointment_id):
    appointment = load_appointment(appointment_id)
    local = as_local(appointment.starts_at)
    form = RescheduleForm(starts_on=local.date(), at_time=local.time().replace(tzinfo=None),
                          duration=appointment.duration_minutes, version=_shown_version(
                              appointment))
    context = {"appointment": appointment, "hours": scheduling.opening_hours_text()}
    if request.method == "GET":
        audit_read("appointment.view", record=appointment, details={"page": "reschedule"})
    if form.validate_on_submit():
        starts_at = scheduling.clinic_instant(form.starts_on.data, form.at_time.data)
        try:
            run_service(scheduling.reschedule_appointment, appointment, starts_at,
                        form.duration.data, expected_version=submitted_version(form.version))
        except TreatmentError as error:
            return refuse("treatments/appointment_reschedule.html", error, form=form, **context)
        db.session.commit()
        flash("Appointment moved.", "success")
        return redirect(url_for("treatments.appointment_detail", appointment_id=appointment.id))
    return render_template("treatments/appointment_reschedule.html", form=form, **context)


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@staff_required
def appointment_cancel(appointment_id):
    appointment = load_appointment(appointment_id)
    form = CancelForm(version=_shown_version(appointment))
    if request.method == "GET":
        audit_read("appointment.view", record=appointment, details={"page": "cancel"})
    if form.validate_on_submit():
        try:
            run_service(scheduling.cancel_appointment, appointment, form.reason.data,
                        expected_version=submitted_version(form.version))
        except TreatmentError as error:
            return refuse("treatments/appointment_cancel.html", error, form=form,
                          appointment=appointment)
        db.session.commit()
        flash("Appointment cancelled.", "info")
        return redirect(url_for("treatments.appointment_detail", appointment_id=appointment.id))
    return render_template("treatments/appointment_cancel.html", form=form,
                           appointment=appointment)


@bp.route("/appointments/<int:appointment_id>/no-show", methods=["POST"])
@staff_required
def appointment_no_show(appointment_id):
    appointment = load_appointment(appointment_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run_service(scheduling.mark_no_show, appointment,
                    expected_version=submitted_version(form.version))
    except TreatmentError as error:
        return refuse("treatments/appointment_detail.html", error, appointment=appointment,
                      patient=appointment.patient, action_form=ActionForm(
                          version=appointment.version))
    db.session.commit()
    flash("Marked as a no-show.", "info")
    return redirect(url_for("treatments.appointment_detail", appointment_id=appointment.id))

