"""Synthetic practitioners and patients for the scale loader."""

from datetime import timedelta

import sqlalchemy as sa

from tracker.demo.people import DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES
from tracker.patients.forms import CONSENT_FORM_VERSION
from tracker.patients.models import Patient

__all__ = ["DEMO_PASSWORD"]

#: synthetic patients' emails end with this, which is how a load is recognised
PATIENT_DOMAIN = "@scale.example.net"
MORE_FIRST_NAMES = ["Anna", "David", "Laura", "Michael", "Sarah", "John", "Elena", "Samuel",
                    "Joy", "Victor", "Irene", "Noah", "Amara", "Lucas", "Zoe", "Ravi",
                    "Ingrid", "Tariq", "Clara", "Jonas", "Rosa", "Dmitri", "Alice", "Kofi"]
MORE_LAST_NAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
                   "Davis", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas",
                   "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
                   "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
                   "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
                   "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
                   "Campbell", "Mitchell", "Carter", "Roberts", "Okafor", "Kim", "Chen",
                   "Singh", "Kaur", "Ivanova", "Larsen", "Costa", "Moreau", "Schmidt",
                   "O'Brien", "MacLeod", "Sato", "Ali", "Hussain", "Cohen", "Levi", "Popescu",
                   "Nowak", "Horvat", "Jansen", "Bakker"]
FIRST = FIRST_NAMES + MORE_FIRST_NAMES
#: never the ordinary demo's surnames: its steps find their patients by surname
LAST = [name for name in MORE_LAST_NAMES if name not in LAST_NAMES]


def synthetic_patient():
    return Patient.email.like(f"%{PATIENT_DOMAIN}")


def add_practitioners(writer, users, count, password_hash, rng, now):
    """`count` practitioners who log in with the demo password; returns their ids."""
    ids = []
    for number in range(1, count + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(MORE_LAST_NAMES)}, L.Ac."
        row = {"id": writer.next_id(users), "email": f"practitioner{number:02d}@scale.example.com",
               "name": name, "password_hash": password_hash, "role": "practitioner",
               "active": True, "session_version": 1, "last_login_at": None,
               "created_at": now - timedelta(days=5 * 365 + 30)}
        writer.add(users, row)
        ids.append(row["id"])
    return ids


def patient_row(writer, patients, index, rng, practitioners, starts, calendar):
    """A patient registered (and consenting) a few days before their first course."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    registered = calendar.instant(starts[0], 8) - timedelta(days=rng.randint(2, 10))
    slug = "".join(char for char in f"{first}.{last}".lower() if char.isalnum() or char == ".")
    return {
        "id": writer.next_id(patients), "first_name": first, "last_name": last,
        "date_of_birth": starts[0] - timedelta(days=rng.randint(20 * 365, 80 * 365)),
        "email": f"{slug}.{index}{PATIENT_DOMAIN}",
        "phone": f"+1 207 555 {rng.randint(0, 9999):04d}",
        "timezone": "Europe/London" if rng.random() < 0.05 else "America/New_York",
        "preferred_practitioner_id": rng.choice(practitioners), "user_id": None,
        "is_pregnant": False, "pregnancy_due_on": None,
        "takes_anticoagulants": rng.random() < 0.04, "has_bleeding_disorder": False,
        "has_pacemaker": rng.random() < 0.01, "is_immunocompromised": rng.random() < 0.02,
        "safety_notes": "", "consent_signed_at": registered,
        "consent_version": CONSENT_FORM_VERSION, "reminder_opt_in": rng.random() < 0.9,
        "archived_at": None, "created_at": registered, "updated_at": registered, "version": 1,
    }


def flags(patient):
    return {name for name, column in (("bleeding", "takes_anticoagulants"),
                                      ("pacemaker", "has_pacemaker"),
                                      ("immunocompromised", "is_immunocompromised"))
            if patient[column]}


def archive_some(patient, histories, rng, now):
    """Archive one patient in fifty whose last course ended more than a year ago."""
    ended = [history.row["ended_at"] for history in histories]
    if all(ended) and max(ended) < now - timedelta(days=365) and rng.random() < 0.02:
        patient["archived_at"] = max(ended) + timedelta(days=180)


def add_history_login(writer, tables, email, patient, now):
    """The portal login of the long-history patient (the load's last row)."""
    users, patients = tables.users, tables.patients
    password_hash = writer.connection.scalar(
        sa.select(users.c.password_hash).where(users.c.email.like("%@scale.example.com"))
        .limit(1))
    user_id = writer.next_id(users)
    writer.add(users, {"id": user_id, "email": email,
                       "name": f"{patient['first_name']} {patient['last_name']}",
                       "password_hash": password_hash, "role": "patient", "active": True,
                       "session_version": 1, "last_login_at": None, "created_at": now})
    writer.flush()
    writer.connection.execute(patients.update().where(patients.c.id == patient["id"])
                              .values(user_id=user_id))
