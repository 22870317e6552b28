"""What the patient page shows of the clinical record: courses and upcoming appointments."""

from tracker.treatments.queries import patient_courses, upcoming_appointments


def treatment_summary(patient):
    return {"courses": patient_courses(patient), "upcoming": upcoming_appointments(patient)}
