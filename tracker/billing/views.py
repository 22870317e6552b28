"""A patient's account: policies, payments, adjustments, packages, charges, course policy.

Staff only; a patient gets 404 on every page here (their view is the portal partial).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from tracker.audit.services import audit_read, record_event
from tracker.auth.access import get_scoped_or_404, staff_required
from tracker.billing import policies, services, summaries
from tracker.billing.errors import BillingError
from tracker.billing.forms import (
    AdjustmentForm,
    ChargeForm,
    CoursePolicyForm,
    PackageForm,
    PaymentForm,
    PolicyForm,
)
from tracker.billing.lookups import active_fees, chosen, patient_courses, patient_visits
from tracker.billing.models import InsurancePolicy
from tracker.extensions import db
from tracker.patients.models import Patient
from tracker.treatments.models import Course, Visit

bp = Blueprint("billing", __name__)

bp.add_app_template_global(summaries.patient_account, "patient_account")
bp.add_app_template_global(summaries.portal_account, "portal_account")
bp.add_app_template_global(summaries.course_account, "course_account")


def show_error(form, error):
    """Put a service's refusal next to its field (or at the top), so nothing is saved."""
    db.session.rollback()
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
    else:
        flash(str(error), "danger")


def audit_form_page(record, page):
    """Showing a billing form shows the patient's name, courses and visits: record it.

    Before anything else is loaded, since the audit's commit expires what was loaded."""
    if request.method == "GET":
        audit_read("patient.view", record=record, details={"page": page})


def back_to(patient):
    return redirect(url_for("patients.detail", patient_id=patient.id) + "#billing")


def _render(template, form, patient, status=200, **context):
    return render_template(template, form=form, patient=patient, **context), \
        (422 if form.errors and status == 200 else status)


@bp.route("/patients/<int:patient_id>/payments/new", methods=["GET", "POST"])
@staff_required
def new_payment(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    audit_form_page(patient, "payment")
    form = PaymentForm()
    form.set_policy_choices(policies.patient_policies(patient.id))
    form.set_allocation_choices(patient_courses(patient), patient_visits(patient))
    if form.validate_on_submit():
        try:
            payment = services.record_payment(
                patient, payer=form.payer.data, method=form.method.data,
                amount_cents=form.amount.cents, received_on=form.received_on.data,
                reference=form.reference.data,
                policy=chosen(InsurancePolicy, form.insurance_policy_id.data),
                course=chosen(Course, form.course_id.data),
                visit=chosen(Visit, form.visit_id.data), recorded_by=current_user)
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.payment.create", patient_id=patient.id, record=payment)
            db.session.commit()
            flash(f"Payment of {form.amount.data} recorded.", "success")
            return back_to(patient)
    return _render("billing/payment_form.html", form, patient)


@bp.route("/patients/<int:patient_id>/adjustments/new", methods=["GET", "POST"])
@staff_required
def new_adjustment(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    audit_form_page(patient, "adjustment")
    form = AdjustmentForm()
    form.set_allocation_choices(patient_courses(patient), patient_visits(patient))
    if form.validate_on_submit():
        try:
            adjustment = services.record_adjustment(
                patient, kind=form.kind.data, side=form.side.data,
                amount_cents=form.amount.cents, reason=form.reason.data,
                adjusted_on=form.adjusted_on.data, course=chosen(Course, form.course_id.data),
                visit=chosen(Visit, form.visit_id.data), recorded_by=current_user)
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.adjustment.create", patient_id=patient.id, record=adjustment)
            db.session.commit()
            flash(f"{adjustment.kind_label} of {form.amount.data} recorded.", "success")
            return back_to(patient)
    return _render("billing/adjustment_form.html", form, patient)


@bp.route("/patients/<int:patient_id>/packages/new", methods=["GET", "POST"])
@staff_required
def new_package(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    audit_form_page(patient, "package")
    form = PackageForm()
    if form.validate_on_submit():
        try:
            package = services.sell_package(
                patient, sessions_total=form.sessions_total.data, price_cents=form.price.cents,
                sold_on=form.sold_on.data, expires_on=form.expires_on.data)
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.package.create", patient_id=patient.id, record=package)
            db.session.commit()
            flash(f"Package of {package.sessions_total} sessions sold.", "success")
            return back_to(patient)
    return _render("billing/package_form.html", form, patient)


@bp.route("/patients/<int:patient_id>/charges/new", methods=["GET", "POST"])
@staff_required
def new_charge(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    audit_form_page(patient, "charge")
    form = ChargeForm()
    form.set_visit_choices(patient_visits(patient))
    if form.validate_on_submit():
        try:
            charges = services.add_charge(
                patient, code=form.code.data, units=form.units.data,
                service_on=form.service_on.data, visit=chosen(Visit, form.visit_id.data))
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.charge.create", patient_id=patient.id, record=charges[0])
            db.session.commit()
            flash(f"{charges[0].code} charged.", "success")
            return back_to(patient)
    return _render("billing/charge_form.html", form, patient, fee_codes=active_fees())


@bp.route("/patients/<int:patient_id>/policies/new", methods=["GET", "POST"])
@staff_required
def new_policy(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    audit_form_page(patient, "new policy")
    form = PolicyForm()
    if form.validate_on_submit():
        try:
            policy = policies.create_policy(patient, **form.service_values())
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.policy.create", patient_id=patient.id, record=policy)
            db.session.commit()
            flash(f"Policy with {policy.payer_name} added.", "success")
            return back_to(patient)
    return _render("billing/policy_form.html", form, patient, policy=None)


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_policy(policy_id):
    policy = get_scoped_or_404(InsurancePolicy, policy_id, joinedload(InsurancePolicy.patient))
    audit_form_page(policy, "edit policy")
    form = PolicyForm(obj=policy)
    if form.validate_on_submit():
        try:
            policies.update_policy(policy, **form.service_values())
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.policy.update", patient_id=policy.patient_id, record=policy)
            db.session.commit()
            flash("Policy saved.", "success")
            return back_to(policy.patient)
    return _render("billing/policy_form.html", form, policy.patient, policy=policy)


@bp.route("/courses/<int:course_id>/policy", methods=["POST"])
@staff_required
def set_course_policy(course_id):
    course = get_scoped_or_404(Course, course_id)
    form = CoursePolicyForm()
    form.set_policy_choices(policies.patient_policies(course.patient_id))
    if form.validate_on_submit():
        try:
            policies.set_course_policy(
                course, chosen(InsurancePolicy, form.insurance_policy_id.data))
        except BillingError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            record_event("billing.course_policy.update", patient_id=course.patient_id,
                         record=course)
            db.session.commit()
            flash("The course's insurance is saved; visits signed from now on bill it.",
                  "success")
    else:
        flash("Choose one of the patient's active policies, or self-pay.", "danger")
    return redirect(_course_page(course))


def _course_page(course):
    try:
        return url_for("treatments.course_detail", course_id=course.id) + "#costs"
    except BuildError:  # no course page in this build: the patient page shows billing too
        return url_for("patients.detail", patient_id=course.patient_id) + "#billing"


from tracker.billing import admin_views, report_views  # noqa: E402,F401  (register their routes)
