import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.audit.services import audit_read, record_event
from tracker.auth.access import get_scoped_or_404, staff_required
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.forms import CONTROL_CHARACTERS, page_number
from tracker.patients import services
from tracker.patients.forms import CONSENT_FORM_VERSION, ConsentForm, PatientForm, VersionForm
from tracker.patients.models import Patient

bp = Blueprint("patients", __name__, url_prefix="/patients")


def practitioners():
    return db.session.scalars(
        sa.select(User).where(User.role == Role.PRACTITIONER, User.active.is_(True))
        .order_by(User.name)
    ).all()


@bp.route("/")
@staff_required
def index():
    query = CONTROL_CHARACTERS.sub("", request.args.get("q", "", type=str))[:100]
    include_archived = request.args.get("archived") == "1"
    page = page_number(request.args)
    audit_read("patient.search", details={"query": query, "archived": include_archived,
                                          "page": page})
    patients = services.search_patients(
        query, include_archived=include_archived, page=page,
        per_page=current_app.config["PATIENTS_PER_PAGE"])
    return render_template("patients/patient_list.html", patients=patients, query=query,
                           include_archived=include_archived)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = PatientForm(practitioners=practitioners(),
                       timezone=current_app.config["CLINIC_TIMEZONE"])
    if form.validate_on_submit():
        values = form.service_values()
        if form.consent_signed.data:
            values["consent_version"] = CONSENT_FORM_VERSION
        patient = services.create_patient(**values)
        record_event("patient.create", record=patient)
        db.session.commit()
        flash(f"{patient.full_name} is registered.", "success")
        return redirect(url_for("patients.detail", patient_id=patient.id))
    return render_template("patients/patient_form.html", form=form, patient=None)


@bp.route("/<int:patient_id>")
def detail(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    if current_user.is_patient:
        return redirect(url_for("auth.index"))
    audit_read("patient.view", record=patient)
    return render_template("patients/patient_detail.html", patient=patient,
                           consent_form=ConsentForm(), action_form=VersionForm())


@bp.route("/<int:patient_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    form = PatientForm(obj=patient, practitioners=practitioners())
    if request.method == "GET":
        audit_read("patient.view", record=patient, details={"page": "edit"})
        form.preferred_practitioner_id.data = patient.preferred_practitioner_id or 0
        form.version.data = patient.version
    if form.validate_on_submit():
        before = {field: getattr(patient, field) for field in services.EDITABLE_FIELDS}
        try:
            services.update_patient(patient, expected_version=_int(form.version.data),
                                    **form.service_values())
        except services.StaleRecordError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return render_template("patients/patient_form.html", form=form, patient=patient), 409
        record_event("patient.update", record=patient, details={"fields": sorted(
            field for field, value in before.items() if getattr(patient, field) != value)})
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("patients.detail", patient_id=patient.id))
    return render_template("patients/patient_form.html", form=form, patient=patient)


@bp.route("/<int:patient_id>/consent", methods=["POST"])
@staff_required
def record_consent(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consent(patient, form.consent_version.data)
        record_event("patient.consent", record=patient,
                     details={"version": form.consent_version.data})
        db.session.commit()
        flash("Consent recorded.", "success")
    else:
        flash(" ".join(form.consent_version.errors) or "Consent was not recorded.", "danger")
    return redirect(url_for("patients.detail", patient_id=patient.id))


@bp.route("/<int:patient_id>/archive", methods=["POST"])
@staff_required
def archive(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    if VersionForm().validate_on_submit():
        services.archive_patient(patient)
        record_event("patient.archive", record=patient)
        db.session.commit()
        flash(f"{patient.full_name} is archived. The record is kept and can be restored.", "info")
    return redirect(url_for("patients.detail", patient_id=patient.id))


@bp.route("/<int:patient_id>/restore", methods=["POST"])
@staff_required
def restore(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    if VersionForm().validate_on_submit():
        services.restore_patient(patient)
        record_event("patient.restore", record=patient)
        db.session.commit()
        flash(f"{patient.full_name} is active again.", "success")
    return redirect(url_for("patients.detail", patient_id=patient.id))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
