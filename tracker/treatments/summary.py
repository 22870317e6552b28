"""What the patient page shows of the clinical record: courses and upcoming appointments."""

from tracker.treatments.queries import course_list, upcoming_appointments


def treatment_summary(patient):
    return {"courses": course_list(patient), "upcoming": upcoming_appointments(patient)}
