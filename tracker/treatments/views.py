"""The clinical blueprint. Pages live in course_views, appointment_views, schedule_views
and visit_views, which all register on `bp`."""

from flask import Blueprint, Response
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker.audit.services import audit_read
from tracker.auth.access import get_scoped_or_404
from tracker.clinic.settings import clinic_settings
from tracker.treatments.calendar import calendar_bytes
from tracker.treatments.models import Appointment

bp = Blueprint("treatments", __name__)


@bp.route("/appointments/<int:appointment_id>.ics")
def appointment_ics(appointment_id):
    """One appointment as a calendar file, for the patient or the clinic's staff."""
    appointment = get_scoped_or_404(Appointment, appointment_id,
                                    joinedload(Appointment.patient))
    audit_read("appointment.export", record=appointment, details={"format": "ics"})
    settings = clinic_settings()
    body = calendar_bytes([appointment], clinic_name=settings["clinic.name"],
                          location=settings["clinic.address"],
                          for_practitioner=current_user.is_staff)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="appointment-{appointment.id}.ics"'})


@bp.app_context_processor
def treatment_helpers():
    from tracker.treatments.summary import treatment_summary

    return {"treatment_summary": treatment_summary}


from tracker.treatments import (  # noqa: E402, F401  (register their routes on bp)
    appointment_views,
    course_views,
    schedule_views,
    visit_views,
)
