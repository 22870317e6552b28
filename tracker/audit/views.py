from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request

from tracker.audit import services
from tracker.audit.forms import AuditFilterForm
from tracker.auth.access import roles_required
from tracker.forms import page_number

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.route("/audit")
@roles_required("admin")
def events():
    """Who saw or changed what, filtered by patient, user, action and dates."""
    form = AuditFilterForm(request.args, actions=services.known_actions())
    page = None
    if form.validate():
        start, end = services.day_range(form.date_from.data, form.date_to.data,
                                        ZoneInfo(current_app.config["CLINIC_TIMEZONE"]))
        criteria = services.AuditFilter(patient_id=form.patient.data, user=form.user.data or "",
                                        action=form.action.data or "", start=start, end=end)
        page = services.search_events(criteria, page=page_number(request.args),
                                      per_page=current_app.config["AUDIT_EVENTS_PER_PAGE"])
    names = services.patient_names(event.patient_id for event in page) if page else {}
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/audit_events.html", form=form, page=page, filters=filters,
                           patient_names=names)
