"""The load benchmark's floor: the cheapest page a logged-in request can get.

Registered only when BENCH_FLOOR_ROUTE is on (see bench/README.md). It passes through the
same login, session and security-header machinery as every page, loads one row by
primary key and renders a one-line template, so the benchmark can report each real page
as a ratio of what the framework itself costs on the same machine in the same run.
With `?audit=1` it also records the view in the audit trail, as every page that shows
patient data does: the cheapest such page, measured for reference.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request

from tracker.audit.services import audit_read
from tracker.auth.access import staff_required
from tracker.extensions import db
from tracker.patients.models import Patient

bp = Blueprint("floor", __name__)


@bp.route("/bench/floor/<int:patient_id>")
@staff_required
def floor(patient_id):
    patient = db.session.scalar(sa.select(Patient).where(Patient.id == patient_id))
    if patient is None:
        abort(404)
    if request.args.get("audit"):
        audit_read("bench.floor.view", record=patient)
    return render_template("bench/floor.html", patient=patient)
