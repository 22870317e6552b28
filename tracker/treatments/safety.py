"""Safety cautions for a visit: points and techniques against the patient's flags.

Many cautions are traditional rather than proven, so the rule is to warn and record why
the practitioner went ahead (an override reason), never to block silently. The exception
is electroacupuncture with a pacemaker or implanted defibrillator, which is absolutely
contraindicated: it needs an explicit confirmation as well as a reason.
"""

from dataclasses import dataclass

from tracker.treatments.catalogue import (
    BLEEDING,
    ELECTROACUPUNCTURE,
    IMMUNOCOMPROMISED,
    PACEMAKER,
    PREGNANCY,
)
from tracker.treatments.errors import SafetyError

#: how a caution flag reads in "the patient ..."
FLAG_PHRASES = {PREGNANCY: "is pregnant",
                BLEEDING: "takes anticoagulants or has a bleeding disorder",
                PACEMAKER: "has a pacemaker or ICD", IMMUNOCOMPROMISED: "is immunocompromised"}

GENERAL_WARNINGS = {
    PREGNANCY: "Pregnant: LI4, SP6, BL60, BL67, GB21 and abdominal and lumbosacral points are "
               "cautioned; record why if you use them.",
    BLEEDING: "Anticoagulants or a bleeding disorder: bruising and haematoma risk. Use fewer, "
              "finer needles and press each site after removal.",
    PACEMAKER: "Pacemaker or ICD: electroacupuncture is absolutely contraindicated.",
    IMMUNOCOMPROMISED: "Compromised immune system: strict clean-needle technique; watch for "
                       "signs of infection.",
}


@dataclass(frozen=True)
class PointChoice:
    """A point chosen for a visit, as the form gives it."""

    code: str
    side: str = "both"
    #: where an ashi point is; empty for catalogue points
    location: str = ""
    override_reason: str | None = None


def patient_cautions(patient):
    """The caution flags (catalogue terms) that apply to this patient."""
    flags = set()
    if patient.is_pregnant:
        flags.add(PREGNANCY)
    if patient.takes_anticoagulants or patient.has_bleeding_disorder:
        flags.add(BLEEDING)
    if patient.has_pacemaker:
        flags.add(PACEMAKER)
    if patient.is_immunocompromised:
        flags.add(IMMUNOCOMPROMISED)
    return flags


def general_warnings(patient):
    return [GENERAL_WARNINGS[flag] for flag in sorted(patient_cautions(patient))]


def point_caution(point, patient):
    """Why this point is cautioned for this patient, or None."""
    applying = [flag for flag in point.cautions if flag in patient_cautions(patient)]
    if not applying:
        return None
    words = " and ".join(FLAG_PHRASES.get(flag, flag) for flag in applying)
    return f"{point.code} is cautioned: the patient {words} ({point.note})."


def cautioned_points(patient, points):
    """{code: caution message} for the catalogue points cautioned for this patient."""
    return {point.code: message for point in points
            if (message := point_caution(point, patient))}


def estim_caution(patient):
    """The warning shown when e-stim is chosen for a patient with safety flags, or None."""
    flags = patient_cautions(patient)
    if PACEMAKER in flags:
        return ("Electroacupuncture is absolutely contraindicated with a pacemaker or ICD. "
                "Confirm the override explicitly and record why.")
    if flags:
        words = " and ".join(FLAG_PHRASES[flag] for flag in sorted(flags))
        return f"Electroacupuncture is cautioned: the patient {words}. Record why it is used."
    return None


def safety_problems(patient, techniques, choices, points_by_code, *,
                    estim_override_reason=None, estim_pacemaker_confirmed=False):
    """What must be answered before the visit can be saved, keyed by what it concerns.

    Keys: "point:<code>" for a cautioned point without an override reason,
    "estim_override_reason" and "estim_pacemaker_confirmed" for e-stim.
    """
    problems = {}
    for choice in choices:
        point = points_by_code.get(choice.code)
        caution = point_caution(point, patient) if point is not None else None
        if caution and not (choice.override_reason or "").strip():
            problems[f"point:{choice.code}"] = f"{caution} Give the reason for using it."
    caution = estim_caution(patient) if ELECTROACUPUNCTURE in techniques else None
    if caution and not (estim_override_reason or "").strip():
        problems["estim_override_reason"] = caution
    if caution and PACEMAKER in patient_cautions(patient) and not estim_pacemaker_confirmed:
        problems["estim_pacemaker_confirmed"] = (
            "Tick the box to confirm electroacupuncture despite the pacemaker or ICD.")
    return problems


def check_visit_safety(patient, techniques, choices, points_by_code, **overrides):
    problems = safety_problems(patient, techniques, choices, points_by_code, **overrides)
    if problems:
        raise SafetyError("A safety caution applies: give the override reason to go ahead. "
                          "Nothing was saved.", problems)
