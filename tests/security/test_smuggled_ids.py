"""Ids smuggled into a form never move data to, or link it with, another patient.

Each case sends a form about patient A, valid but for ids of patient B's records, added as
extra fields or put in the form's own choice fields. The request must be refused or the
ids ignored: B's rows stay as they were, and no row of A's points at a record of B's.
"""

import pytest
import sqlalchemy as sa

from tests.security.hostile import FORMS
from tests.security.world import OTHER_PATIENT, build_world, sign_in
from tracker.auth.models import User
from tracker.extensions import db

FORM = {form.name: form for form in FORMS}
#: tables whose rows belong to one patient and may point at another patient-owned record
OWNED = ("courses", "appointments", "visits", "insurance_policies")


def smuggled(b):
    """Every id of patient B's a form could be tricked with, under the usual names."""
    return {"patient_id": str(b.patient), "course_id": str(b.course),
            "appointment_id": str(b.booked_appointment), "visit_id": str(b.visit),
            "insurance_policy_id": str(b.policy), "policy_id": str(b.policy),
            "user_id": str(b.patient_user), "reminder_id": str(b.reminder),
            "practitioner_id_override": str(b.patient_user), "role": "admin",
            "is_admin": "1", "signed_by_id": str(b.patient_user)}


#: (form, fields of B's put into A's valid submission)
CASES = [
    ("payment", lambda b: {"course_id": str(b.course)}),
    ("payment", lambda b: {"visit_id": str(b.visit)}),
    ("payment", lambda b: {"insurance_policy_id": str(b.policy)}),
    ("payment", smuggled),
    ("adjustment", lambda b: {"course_id": str(b.course)}),
    ("adjustment", lambda b: {"visit_id": str(b.visit)}),
    ("charge", lambda b: {"visit_id": str(b.visit)}),
    ("package", smuggled),
    ("new policy", smuggled),
    ("edit policy", smuggled),
    ("course policy", lambda b: {"insurance_policy_id": str(b.policy)}),
    ("portal check-in", smuggled),
    ("emailed check-in", smuggled),
    ("course plan", smuggled),
    ("course edit", smuggled),
    ("course complete", smuggled),
    ("series booking", smuggled),
    ("new appointment", lambda b: {"course_id": str(b.course)}),
    ("new appointment", smuggled),
    ("reschedule", smuggled),
    ("cancel appointment", smuggled),
    ("visit record", smuggled),
    ("amendment", smuggled),
]


def owned_rows(patient_id):
    """Every row that belongs to the patient, table by table."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if "patient_id" in table.c and table.name != "audit_events":
            statement = sa.select(table).where(table.c.patient_id == patient_id)
            rows[table.name] = db.session.execute(
                statement.order_by(*table.primary_key)).all()
    return rows


def roles():
    return db.session.execute(sa.select(User.id, User.role).order_by(User.id)).all()


def cross_patient_links():
    """Rows pointing at a course, appointment, visit or policy of another patient."""
    found = []
    for table in db.metadata.sorted_tables:
        if "patient_id" not in table.c:
            continue
        for column in table.c:
            for key in column.foreign_keys:
                target = key.column.table
                if target.name in OWNED and "patient_id" in target.c:
                    found += db.session.execute(
                        sa.select(table.c[column.name]).join(target, key.column == column)
                        .where(target.c.patient_id != table.c.patient_id)).all()
    return found


@pytest.mark.parametrize(("name", "extra"), CASES, ids=[
    f"{name}-{index}" for index, (name, _) in enumerate(CASES)])
def test_a_smuggled_id_of_another_patient_changes_nothing_of_theirs(app, name, extra):
    form = FORM[name]
    world = build_world()
    user, records = world[form.role]
    other = world.records[OTHER_PATIENT]
    client = app.test_client()
    sign_in(client, user)
    before, roles_before = owned_rows(other.patient), roles()
    response = client.post(form.url(records),
                           data=form.valid_data(records) | extra(other))
    assert response.status_code < 500
    db.session.expire_all()
    assert owned_rows(other.patient) == before, f"{name} changed patient B's records"
    assert roles() == roles_before, f"{name} changed someone's role"
    assert cross_patient_links() == [], f"{name} linked A's records to B's"


def test_the_checks_see_a_cross_link_and_a_change():
    """The two checks above can fail: a payment of A's for B's course is seen."""
    from datetime import date

    from tracker.billing.models import Payment

    world = build_world()
    a, b = world.records["patient"], world.records[OTHER_PATIENT]
    before = owned_rows(b.patient)
    db.session.add(Payment(patient_id=a.patient, payer="patient", method="cash",
                           amount_cents=100, received_on=date(2026, 3, 2), course_id=b.course))
    db.session.commit()
    assert len(cross_patient_links()) == 1
    db.session.add(Payment(patient_id=b.patient, payer="patient", method="cash",
                           amount_cents=100, received_on=date(2026, 3, 2)))
    db.session.commit()
    assert owned_rows(b.patient) != before
