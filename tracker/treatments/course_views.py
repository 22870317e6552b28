"""Course pages: plan, view, edit, extend, complete, discontinue.

A course is a clinical plan (diagnosis, baseline and discharge pain, goal): practitioners
plan, change and close it; admins see it and book its sessions (appointment_views).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.audit.services import audit_read
from tracker.auth.access import get_scoped_or_404, roles_required
from tracker.db import utcnow
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments import courses as services
from tracker.treatments.course_forms import (
    CompleteCourseForm,
    CourseForm,
    DiscontinueCourseForm,
    ExtendCourseForm,
)
from tracker.treatments.errors import TreatmentError
from tracker.treatments.form_fields import submitted_version
from tracker.treatments.models import Course
from tracker.treatments.progress import progress_of_loaded_course
from tracker.treatments.queries import course_page_options, load_course, practitioners
from tracker.treatments.safety import general_warnings
from tracker.treatments.schedule_forms import ActionForm
from tracker.treatments.signals import collect, course_planning_notes
from tracker.treatments.view_helpers import local_today, refuse, run_service
from tracker.treatments.views import bp

DEFAULT_PLANNED_SESSIONS = 8
DEFAULT_FREQUENCY = "2x3,1"
practitioner_only = roles_required("practitioner")


def _planning_notes(patient, form):
    practitioner = next((user for user in practitioners()
                         if user.id == form.practitioner_id.data), None)
    return collect(course_planning_notes, patient, planned_sessions=form.planned_sessions.data,
                   practitioner=practitioner, course=None)


@bp.route("/courses/new", methods=["GET", "POST"])
@practitioner_only
def course_new():
    patient = get_scoped_or_404(Patient, request.args.get("patient_id"))
    low, high = services.session_range()
    form = CourseForm(practitioners=practitioners(), start_on=local_today(),
                      planned_sessions=min(max(DEFAULT_PLANNED_SESSIONS, low), high),
                      frequency=DEFAULT_FREQUENCY,
                      practitioner_id=current_user.id)
    context = {"patient": patient, "course": None, "warnings": general_warnings(patient)}
    if request.method == "GET":
        audit_read("patient.view", record=patient, details={"page": "plan a course"})
    if form.validate_on_submit():
        try:
            course = services.plan_course(patient, **form.service_values())
        except TreatmentError as error:
            return refuse("treatments/course_form.html", error, form=form,
                          notes=_planning_notes(patient, form), **context)
        db.session.commit()
        flash(f"Course planned: {course.planned_sessions} sessions. Now book its "
              "appointments.", "success")
        return redirect(url_for("treatments.course_book", course_id=course.id))
    return render_template("treatments/course_form.html", form=form,
                           notes=_planning_notes(patient, form), **context)


@bp.route("/courses/<int:course_id>")
def course_detail(course_id):
    course = get_scoped_or_404(Course, course_id, *course_page_options())
    if current_user.is_patient:
        return redirect(url_for("portal.course", course_id=course.id))
    audit_read("course.view", patient_id=course.patient_id, record=course)
    now = utcnow()
    upcoming = [a for a in course.appointments if a.is_booked and a.starts_at >= now]
    past = [a for a in course.appointments if a not in upcoming]
    return render_template("treatments/course_detail.html", course=course, patient=course.patient,
                           progress=progress_of_loaded_course(course),
                           upcoming=upcoming, past=list(reversed(past)),
                           action_form=ActionForm(), last_session_done=(
                               course.is_open and course.sessions_done >= course.planned_sessions))


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@practitioner_only
def course_edit(course_id):
    course = load_course(course_id)
    form = CourseForm(obj=course, practitioners=practitioners())
    # the version is only ever the one the form was sent with, never the course's own
    form.version.data = course.version if request.method == "GET" else request.form.get(
        "version")
    if request.method == "GET":
        audit_read("course.view", record=course, details={"page": "edit"})
    context = {"patient": course.patient, "course": course,
               "warnings": general_warnings(course.patient),
               "notes": collect(course_planning_notes, course.patient,
                                planned_sessions=course.planned_sessions,
                                practitioner=course.practitioner, course=course)}
    if form.validate_on_submit():
        try:
            run_service(services.update_course, course,
                        expected_version=submitted_version(form.version), **form.service_values())
        except TreatmentError as error:
            return refuse("treatments/course_form.html", error, form=form, **context)
        db.session.commit()
        flash("Course changes saved.", "success")
        return redirect(url_for("treatments.course_detail", course_id=course.id))
    return render_template("treatments/course_form.html", form=form, **context)


def _course_action(course_id, form_class, template, act, done_message, prefill=None):
    """GET shows the form; a valid POST runs `act(course, form)`, commits and redirects."""
    course = load_course(course_id)
    form = form_class()
    if request.method == "GET":
        audit_read("course.view", record=course, details={"page": template})
        form.version.data = course.version
        for name, value in (prefill or {}).items():
            form[name].data = value(course) if callable(value) else value
    if form.validate_on_submit():
        try:
            run_service(act, course, form)
        except TreatmentError as error:
            return refuse(template, error, form=form, course=course)
        db.session.commit()
        flash(done_message(course), "success")
        return redirect(url_for("treatments.course_detail", course_id=course.id))
    return render_template(template, form=form, course=course)


@bp.route("/courses/<int:course_id>/extend", methods=["GET", "POST"])
@practitioner_only
def course_extend(course_id):
    def act(course, form):
        services.extend_course(course, form.planned_sessions.data,
                               expected_version=submitted_version(form.version))

    return _course_action(
        course_id, ExtendCourseForm, "treatments/course_extend.html", act,
        lambda course: f"Course extended to {course.planned_sessions} sessions.",
        prefill={"planned_sessions": lambda course: min(
            course.planned_sessions + 2, services.session_range()[1])})


@bp.route("/courses/<int:course_id>/complete", methods=["GET", "POST"])
@practitioner_only
def course_complete(course_id):
    def act(course, form):
        services.complete_course(course, discharge_pain=form.discharge_pain.data,
                                 discharge_notes=form.discharge_notes.data,
                                 expected_version=submitted_version(form.version))

    return _course_action(course_id, CompleteCourseForm, "treatments/course_complete.html",
                          act, lambda course: "Course completed. The discharge score is "
                                              f"{course.discharge_pain}/10.")


@bp.route("/courses/<int:course_id>/discontinue", methods=["GET", "POST"])
@practitioner_only
def course_discontinue(course_id):
    def act(course, form):
        services.discontinue_course(course, reason=form.reason.data,
                                    expected_version=submitted_version(form.version))

    return _course_action(course_id, DiscontinueCourseForm,
                          "treatments/course_discontinue.html", act,
                          lambda course: "Course discontinued; its remaining appointments "
                                         "were cancelled.")
