"""Admin pages: the fee schedule and practitioners' billing identifiers."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for

from tracker.audit.services import record_event
from tracker.auth.access import MAX_RECORD_ID, roles_required
from tracker.auth.models import Role, User
from tracker.billing import services
from tracker.billing.errors import BillingError
from tracker.billing.forms import FeeForm, PractitionerIdsForm
from tracker.billing.models import FeeRole, FeeScheduleEntry, PractitionerBillingIds
from tracker.billing.views import bp, show_error
from tracker.extensions import db


@bp.route("/admin/fees")
@roles_required("admin")
def fees():
    entries = db.session.scalars(sa.select(FeeScheduleEntry).order_by(
        FeeScheduleEntry.role != FeeRole.EVALUATION, FeeScheduleEntry.code)).all()
    practitioners = db.session.execute(
        sa.select(User, PractitionerBillingIds).outerjoin(PractitionerBillingIds)
        .where(User.role == Role.PRACTITIONER, User.active.is_(True)).order_by(User.name)).all()
    return render_template("billing/fees.html", entries=entries, practitioners=practitioners)


@bp.route("/admin/fees/<code>", methods=["GET", "POST"])
@roles_required("admin")
def edit_fee(code):
    entry = db.session.get(FeeScheduleEntry, code) or abort(404)
    form = FeeForm(obj=entry)
    if not form.is_submitted():
        form.price.data = entry.price_cents
    if form.validate_on_submit():
        try:
            services.update_fee(entry, description=form.description.data,
                                price_cents=form.price.cents, insurable=form.insurable.data,
                                active=form.active.data or entry.role != FeeRole.ADDON)
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.fee.update", record=entry)
            db.session.commit()
            flash(f"{entry.code} saved.", "success")
            return redirect(url_for("billing.fees"))
    status = 422 if form.errors else 200
    return render_template("billing/fee_form.html", form=form, entry=entry), status


@bp.route("/admin/practitioners/<int:user_id>/billing-ids", methods=["GET", "POST"])
@roles_required("admin")
def edit_practitioner_ids(user_id):
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_RECORD_ID else None
    if user is None or user.role != Role.PRACTITIONER:
        abort(404)
    ids = db.session.get(PractitionerBillingIds, user.id)
    form = PractitionerIdsForm(obj=ids)
    if form.validate_on_submit():
        try:
            services.set_practitioner_ids(user, npi=form.npi.data,
                                          license_number=form.license_number.data)
        except BillingError as error:
            show_error(form, error)
        else:
            record_event("billing.practitioner_ids.update", record=user)
            db.session.commit()
            flash(f"Identifiers of {user.name} saved.", "success")
            return redirect(url_for("billing.fees"))
    status = 422 if form.errors else 200
    return render_template("billing/practitioner_ids_form.html", form=form,
                           user=user), status
