"""Progress pages: chart data, the printable report, the scores export and clinic outcomes.

Each page loads its course through the access helper, so a patient reaches only their
own courses (404 otherwise) and the JSON endpoint follows exactly the page's rules.
"""

import csv
import io

from flask import Blueprint, Response, jsonify, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from tracker.audit.services import audit_read
from tracker.auth.access import get_scoped_or_404, staff_required
from tracker.db import utcnow
from tracker.patients.models import Patient
from tracker.templating import clinic_zone, to_local
from tracker.treatments.catalogue import REGIONS
from tracker.treatments.models import Course
from tracker.treatments.outcome_summary import outcome_summary
from tracker.treatments.outcomes import odi_band
from tracker.treatments.progress import (
    courses_of,
    current_thresholds,
    load_course_progress,
    load_progress,
)
from tracker.treatments.progress_format import csv_rows, plain_summary, progress_data

bp = Blueprint("progress", __name__)


@bp.app_template_global()
def course_progress(course):
    """For templates given a course but no precomputed progress (three queries)."""
    return load_course_progress(course)


def local_day(instant, zone=None):
    """An instant's calendar day in the clinic's timezone (or `zone`): '04 Mar 2026'."""
    return to_local(instant, zone).strftime("%d %b %Y")


bp.add_app_template_global(odi_band, "odi_band")
bp.add_app_template_filter(local_day, "local_day")
bp.add_app_template_filter(plain_summary, "progress_summary")


def summary_subject():
    return "Your pain" if current_user.is_patient else "Pain"


def course_or_404(course_id):
    return get_scoped_or_404(Course, course_id, joinedload(Course.patient),
                             joinedload(Course.practitioner))


@bp.route("/api/courses/<int:course_id>/progress")
def course_progress_json(course_id):
    course = course_or_404(course_id)
    progress = load_course_progress(course)
    audit_read("course.progress.view", patient_id=course.patient_id, record=course)
    return jsonify(progress_data(progress, summary_subject()))


@bp.route("/api/patients/<int:patient_id>/progress")
def patient_progress_json(patient_id):
    """Every course of one patient, for the overview chart."""
    patient = get_scoped_or_404(Patient, patient_id)
    courses = courses_of(patient)
    audit_read("patient.progress.view", patient_id=patient.id, record=patient)
    return jsonify({"patient": {"id": patient.id, "name": patient.full_name},
                    "courses": [progress_data(progress, summary_subject())
                                for progress in load_progress(courses)]})


@bp.route("/patients/<int:patient_id>/progress")
@staff_required
def patient_overview(patient_id):
    patient = get_scoped_or_404(Patient, patient_id)
    courses = courses_of(patient)
    audit_read("patient.progress.view", patient_id=patient.id, record=patient)
    return render_template("treatments/patient_progress.html", patient=patient,
                           progresses=load_progress(courses))


@bp.route("/courses/<int:course_id>/report")
def course_report(course_id):
    """The printable progress report, for the patient, a physician or an insurer."""
    course = course_or_404(course_id)
    progress = load_course_progress(course)
    audit_read("course.report.view", patient_id=course.patient_id, record=course)
    return render_template("treatments/course_report.html", course=course, progress=progress,
                           region_label=dict(REGIONS).get(course.region, course.region),
                           prepared_at=utcnow())


@bp.route("/courses/<int:course_id>/scores.csv")
def course_scores_csv(course_id):
    course = course_or_404(course_id)
    progress = load_course_progress(course)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(progress, clinic_zone()))
    audit_read("course.scores.export", patient_id=course.patient_id, record=course)
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="course-{course.id}-scores.csv"'})


@bp.route("/outcomes")
@staff_required
def outcomes():
    """Share of completed courses that reached responder status, by practitioner."""
    thresholds = current_thresholds()
    groups, clinic = outcome_summary(thresholds)
    chart_data = {"labels": [group.name for group in groups],
                  "shares": [None if group.responder_share is None
                             else float(group.responder_share) for group in groups]}
    return render_template("treatments/outcomes.html", groups=groups, clinic=clinic,
                           thresholds=thresholds, chart_data=chart_data)
