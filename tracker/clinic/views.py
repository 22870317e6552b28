from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from tracker.audit.services import record_event
from tracker.auth.access import roles_required
from tracker.clinic.services import update_settings
from tracker.clinic.settings import SPECS, clinic_settings
from tracker.extensions import db

bp = Blueprint("clinic", __name__, url_prefix="/admin")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    form = FlaskForm()  # the CSRF token; the fields come from the setting specs
    errors = {}
    if request.method == "POST" and form.validate_on_submit():
        submitted = {key: request.form[key] for key in SPECS if key in request.form}
        # An unticked checkbox sends nothing, so the form lists the checkboxes it showed.
        shown = set(request.form.getlist("checkboxes")) & set(SPECS)
        submitted |= {key: key in request.form for key in shown if SPECS[key].kind is bool}
        before = {key: clinic_settings().raw(key) for key in SPECS}
        errors = update_settings(submitted)
        if not errors:
            after = clinic_settings()
            record_event("settings.update", details={"changed": sorted(
                key for key in SPECS if after.raw(key) != before[key])})
            db.session.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("clinic.settings"))
        db.session.rollback()
    sections = {}
    for spec in SPECS.values():
        sections.setdefault(spec.section, []).append(spec)
    current = clinic_settings()
    values = {key: request.form.get(key, current.raw(key)) if errors else current.raw(key)
              for key in SPECS}
    return render_template("clinic/settings.html", form=form, sections=sections,
                           values=values, errors=errors), 422 if errors else 200
