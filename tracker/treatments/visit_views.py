"""The visit record: log it from an appointment, sign it, view it, amend it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.audit.services import audit_read
from tracker.auth.access import roles_required, staff_required
from tracker.db import utcnow
from tracker.extensions import db
from tracker.treatments import visits as services
from tracker.treatments.errors import ConflictError, TreatmentError, VisitLockedError
from tracker.treatments.form_fields import submitted_version, version_value
from tracker.treatments.queries import load_appointment, load_visit
from tracker.treatments.safety import cautioned_points, estim_caution, general_warnings
from tracker.treatments.schedule_forms import ActionForm
from tracker.treatments.view_helpers import CONFLICT, refuse, run_service
from tracker.treatments.views import bp
from tracker.treatments.visit_forms import AmendForm, VisitForm, visit_form_data


def _form_for(visit, catalogue):
    data = visit_form_data(catalogue, visit)
    if visit is not None:
        data |= {name: getattr(visit, name) for name in (
            "pain_before", "pain_after", "techniques", "needles_in", "needles_out",
            "retention_minutes", "face_to_face_minutes", "adverse_events",
            "adverse_event_notes", "estim_override_reason", "subjective", "objective",
            "assessment", "plan", "home_plan")}
    if request.method == "POST":  # the version is only ever the one the form was sent with
        return VisitForm(formdata=request.form, data=data)
    return VisitForm(formdata=None, data=data | {"version": visit and visit.version})


def _visit_page(visit, status=200, error=None):
    return render_template("treatments/visit_detail.html", visit=visit, patient=visit.patient,
                           course=visit.course, action_form=ActionForm(version=visit.version),
                           field_labels=services.AMENDABLE_FIELDS, error=error), status


def _saved_redirect(visit, signed):
    if not signed:
        flash("Visit saved as a draft. Sign it once every needle is out.", "success")
        return redirect(url_for("treatments.visit_detail", visit_id=visit.id))
    if services.is_last_planned_session(visit):
        flash(f"Visit signed. That was the last planned session ({visit.session_number} of "
              f"{visit.course.planned_sessions}): record the discharge pain score to complete "
              "the course, or extend it.", "warning")
        return redirect(url_for("treatments.course_complete", course_id=visit.course_id))
    label = f" (session {visit.session_number})" if visit.session_number else ""
    flash(f"Visit signed{label}. It can no longer be edited; corrections are amendments.",
          "success")
    return redirect(url_for("treatments.visit_detail", visit_id=visit.id))


def _not_editable(appointment):
    """The response for a visit record that cannot be edited here, or None."""
    visit = appointment.visit
    if visit is None and not appointment.is_booked and request.method == "GET":
        flash(f"This appointment is {appointment.status_label.lower()}; no visit can be "
              "recorded for it.", "warning")
        return redirect(url_for("treatments.appointment_detail", appointment_id=appointment.id))
    if visit is not None and visit.is_signed:
        if request.method == "GET":
            flash(str(VisitLockedError()), "info")
            return redirect(url_for("treatments.visit_detail", visit_id=visit.id))
        return _visit_page(visit, CONFLICT, str(VisitLockedError()))
    if visit is not None and visit.practitioner_id != current_user.id:
        return _visit_page(visit, 403, f"Only {visit.practitioner.name}, who started this "
                                       "visit record, can edit or sign it.")
    return None


@bp.route("/appointments/<int:appointment_id>/visit", methods=["GET", "POST"])
@roles_required("practitioner")
def appointment_visit(appointment_id):
    appointment = load_appointment(appointment_id)
    refusal = _not_editable(appointment)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        audit_read("appointment.view", record=appointment, details={"page": "visit record"})
    catalogue = services.point_catalogue()
    form = _form_for(appointment.visit, catalogue)
    patient = appointment.patient
    context = {"appointment": appointment, "patient": patient, "visit": appointment.visit,
               "catalogue": catalogue, "cautions": cautioned_points(patient, catalogue.values()),
               "warnings": general_warnings(patient), "estim_warning": estim_caution(patient),
               "not_started": appointment.starts_at > utcnow()}
    if form.validate_on_submit():
        signing = request.form.get("action") == "sign"
        try:
            visit = run_service(
                services.save_visit, appointment, current_user, values=form.service_values(),
                points=form.point_choices(), expected_version=version_value(form.version),
                estim_pacemaker_confirmed=form.estim_pacemaker_confirmed.data)
            if signing:
                run_service(services.sign_visit, visit, current_user)
        except TreatmentError as error:
            return refuse("treatments/visit_form.html", error, form=form, **context)
        db.session.commit()
        return _saved_redirect(visit, signing)
    return render_template("treatments/visit_form.html", form=form, problems={}, **context)


@bp.route("/visits/<int:visit_id>")
@staff_required
def visit_detail(visit_id):
    visit = load_visit(visit_id)
    audit_read("visit.view", patient_id=visit.patient_id, record=visit)
    return _visit_page(visit)


@bp.route("/visits/<int:visit_id>/sign", methods=["POST"])
@roles_required("practitioner")
def visit_sign(visit_id):
    visit = load_visit(visit_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run_service(services.sign_visit, visit, current_user,
                    expected_version=submitted_version(form.version))
    except TreatmentError as error:
        db.session.rollback()
        status = CONFLICT if isinstance(error, (VisitLockedError, ConflictError)) else 422
        return _visit_page(load_visit(visit_id), status, str(error))
    db.session.commit()
    return _saved_redirect(visit, signed=True)


@bp.route("/visits/<int:visit_id>/amend", methods=["GET", "POST"])
@roles_required("practitioner")
def visit_amend(visit_id):
    visit = load_visit(visit_id)
    if not visit.is_signed:
        flash("This visit is not signed yet: edit it directly.", "info")
        return redirect(url_for("treatments.appointment_visit",
                                appointment_id=visit.appointment_id))
    form = AmendForm(obj=visit) if request.method == "GET" else AmendForm()
    if request.method == "GET":
        form.reason.data = ""
        audit_read("visit.view", record=visit, details={"page": "amend"})
    if form.validate_on_submit():
        try:
            run_service(services.amend_visit, visit, current_user, reason=form.reason.data,
                        changes=form.changes(), expected_version=submitted_version(form.version))
        except TreatmentError as error:
            return refuse("treatments/visit_amend.html", error, form=form, visit=visit,
                          patient=visit.patient)
        db.session.commit()
        flash("Amendment recorded.", "success")
        return redirect(url_for("treatments.visit_detail", visit_id=visit.id))
    return render_template("treatments/visit_amend.html", form=form, visit=visit,
                           patient=visit.patient)
