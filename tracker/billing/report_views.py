"""The finance report (with CSV export) and the printable superbill."""

from datetime import date

import sqlalchemy as sa
from flask import Response, render_template, request
from sqlalchemy.orm import joinedload

from tracker.audit.services import audit_read
from tracker.auth.access import MAX_RECORD_ID, get_scoped_or_404, staff_required
from tracker.auth.models import Role, User
from tracker.billing.report import default_period, finance_report, patient_balances, report_csv
from tracker.billing.superbill import build_superbill
from tracker.billing.views import bp
from tracker.extensions import db
from tracker.treatments.models import Course


def _date_arg(name):
    """A date from the query string: (date or None, error message or None)."""
    text = request.args.get(name, "").strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text[:10]), None
    except ValueError:
        return None, f"“{text[:20]}” is not a date; use YYYY-MM-DD."


def _report_filters():
    default_start, default_end = default_period()
    start, start_error = _date_arg("from")
    end, end_error = _date_arg("to")
    errors = [error for error in (start_error, end_error) if error]
    start, end = start or default_start, end or default_end
    if start > end:
        errors.append("The start date is after the end date.")
        start, end = default_start, default_end
    practitioner_id = request.args.get("practitioner", 0, type=int)
    if not 0 < practitioner_id <= MAX_RECORD_ID:
        practitioner_id = None  # all practitioners; ids past 64 bits never reach the database
    return start, end, practitioner_id, errors


@bp.route("/billing/")
@staff_required
def report():
    start, end, practitioner_id, errors = _report_filters()
    rows, total = finance_report(start, end, practitioner_id)
    audit_read("billing.report.view", details={"from": start.isoformat(), "to": end.isoformat()})
    practitioners = db.session.scalars(sa.select(User).where(
        User.role == Role.PRACTITIONER).order_by(User.name)).all()
    return render_template("billing/report.html", rows=rows, total=total, start=start, end=end,
                           practitioner_id=practitioner_id, practitioners=practitioners,
                           errors=errors, balances=patient_balances())


@bp.route("/billing/report.csv")
@staff_required
def report_export():
    start, end, practitioner_id, _ = _report_filters()
    rows, total = finance_report(start, end, practitioner_id)
    audit_read("billing.report.export")
    filename = f"finance-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"
    return Response(report_csv(rows, total), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/courses/<int:course_id>/superbill")
@staff_required
def superbill(course_id):
    course = get_scoped_or_404(Course, course_id, joinedload(Course.patient),
                               joinedload(Course.practitioner))
    start, start_error = _date_arg("from")
    end, end_error = _date_arg("to")
    date_errors = [error for error in (start_error, end_error) if error]
    bill, problems = (None, date_errors) if date_errors else build_superbill(course, start, end)
    audit_read("billing.superbill.view", patient_id=course.patient_id, record=course,
                 outcome="success" if bill else "failure")
    return render_template("billing/superbill.html", course=course, bill=bill,
                           problems=problems, start=start, end=end,
                           today=date.today())
