"""Signed demo visits with plausible points, techniques, needle counts and notes."""

from datetime import timedelta

from tracker.treatments import visits
from tracker.treatments.catalogue import ASHI
from tracker.treatments.safety import PointChoice, patient_cautions

POINT_SETS = {
    "lumbar": ["BL23", "BL25", "BL40", "GV4", "EX-B2", "GB34", "BL52"],
    "lumbar_strain": ["BL23", "BL25", "BL40", "EX-B2", "SI3", "BL62"],
    "sciatica": ["GB30", "BL40", "GB34", "BL25", "BL60", "EX-B2"],
    "muscular": ["BL23", "BL40", "GB34", "ST36", "EX-B2"],
    "thoracic": ["EX-B2", "SI3", "BL62", "GB21", "LI4"],
    "cervical": ["GB21", "SI3", "LI4", "EX-B2", "BL62"],
}
BILATERAL = {"BL23", "BL25", "BL40", "BL52", "EX-B2", "GB30", "GB34", "ST36", "BL60", "BL62",
             "SI3", "GB21", "LI4"}
ASHI_SPOTS = ["Left lumbar paraspinal at L4", "Right quadratus lumborum", "Left gluteus medius",
              "Right rhomboid, medial border of scapula"]
SUBJECTIVE = ["Pain worst in the mornings, eases with walking.",
              "Slept better since last session.", "Flare-up after a long drive.",
              "Stiffness on getting up from sitting.", "Less pain bending to dress."]
HOME_PLAN = ("Press CV6, BL23 and ST36 with firm, gentle pressure for 1–2 minutes each, "
             "breathing deeply, once a day.")


def _points(course, patient, rng):
    codes = rng.sample(POINT_SETS[course.region if course else "lumbar"], k=4)
    pregnant = "pregnancy" in patient_cautions(patient)
    choices = []
    for code in codes:
        if pregnant and code in {"BL60", "GB21", "LI4"}:
            continue  # a careful practitioner avoids these in pregnancy
        reason = ("Superficial needling, second trimester; discussed with the patient."
                  if pregnant and code in {"BL23", "BL25", "BL52", "GV4"} else None)
        side = "both" if code in BILATERAL else "midline"
        choices.append(PointChoice(code, side, "", reason))
    if rng.random() < 0.5:
        choices.append(PointChoice(ASHI, rng.choice(["left", "right"]), rng.choice(ASHI_SPOTS)))
    return choices


def _techniques(patient, rng):
    techniques = ["manual"]
    if not patient_cautions(patient) and rng.random() < 0.4:
        techniques.append("electro")
    techniques += rng.sample(["cupping", "moxibustion", "tuina", "acupressure"],
                             k=rng.choice([0, 1, 1, 2]))
    return techniques


def record_visit(appointment, practitioner, pain_before, rng):
    """Log and sign the visit of a past appointment; returns the visit."""
    patient, course = appointment.patient, appointment.course
    points = _points(course, patient, rng)
    needles = sum(2 if point.side == "both" else 1 for point in points)
    bruising = "bleeding" in patient_cautions(patient) and rng.random() < 0.4
    values = {
        "pain_before": pain_before, "pain_after": max(pain_before - rng.choice([1, 2, 2, 3]), 0),
        "techniques": _techniques(patient, rng), "needles_in": needles, "needles_out": needles,
        "retention_minutes": rng.choice([20, 20, 25, 30]), "face_to_face_minutes": 15,
        "adverse_events": ["bruising"] if bruising else [],
        "adverse_event_notes": "Small bruise at BL40; pressure applied." if bruising else "",
        "subjective": rng.choice(SUBJECTIVE),
        "objective": "Tender paraspinals; flexion limited at end range.",
        "assessment": f"Pain {pain_before}/10 before treatment.",
        "plan": "Continue the course as planned.",
        "home_plan": HOME_PLAN if rng.random() < 0.5 else "",
    }
    visit = visits.save_visit(appointment, practitioner, values=values, points=points)
    visits.sign_visit(visit, practitioner, now=appointment.starts_at + timedelta(minutes=50))
    return visit
