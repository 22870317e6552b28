"""A course's progress in the forms people and programs read: JSON, a sentence, CSV rows."""

from dataclasses import asdict
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

CSV_HEADER = ["recorded_at_utc", "local_time", "kind", "session", "source", "pain"]


def iso_utc(instant):
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def whole_percent(percent):
    return int(percent.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _decimal(value):
    return None if value is None else float(value)


def progress_data(progress, summary_subject="Pain"):
    """The JSON chart data of /api/courses/<id>/progress (its shape is in DESIGN.md)."""
    course = progress.course
    moved = progress.change
    return {
        "course": course_data(progress),
        "baseline": {
            "pain": course.baseline_pain, "on": course.start_on.isoformat(),
            "peg": _decimal(progress.baseline_peg), "odi": _decimal(progress.baseline_odi),
        },
        "latest": progress.latest,
        "scores": [{"at": iso_utc(score.at), "pain": score.pain, "kind": score.kind,
                    "session": score.session, "source": score.source}
                   for score in progress.scores if score.pain is not None],
        "sessions": [{"number": mark.number, "at": iso_utc(mark.at), "status": mark.status}
                     for mark in progress.sessions],
        "change": None if moved is None else {"points": moved.points,
                                               "percent": _decimal(moved.percent)},
        "category": progress.category,
        "category_label": progress.category_label,
        "responder": progress.responder,
        "decision": progress.decision,
        "decision_label": progress.decision_label,
        "trend": progress.trend,
        "thresholds": asdict(progress.thresholds) | {"responder_pain": progress.responder_pain},
        "adverse_events": [{"at": iso_utc(event.at), "session": event.session,
                            "codes": list(event.codes), "labels": event.labels,
                            "source": event.source}
                           for event in progress.safety_events],
        "summary": plain_summary(progress, summary_subject),
    }


def course_data(progress):
    course = progress.course
    return {
        "id": course.id,
        "patient": {"id": course.patient_id, "name": course.patient.full_name},
        "practitioner": course.practitioner.name,
        "diagnosis": {"code": course.diagnosis_code, "label": course.diagnosis_label},
        "region": course.region,
        "planned_sessions": course.planned_sessions,
        "sessions_done": progress.sessions_done,
        "status": course.status,
        "start_on": course.start_on.isoformat(),
    }


def sessions_phrase(count):
    if count == 0:
        return "so far"
    return f"over {count} session" + ("" if count == 1 else "s")


def plain_summary(progress, subject="Your pain"):
    """One plain sentence: "Your pain went from 7 to 3 over 6 sessions — a 57 % drop."."""
    baseline, latest = progress.baseline, progress.latest
    over = sessions_phrase(progress.sessions_done)
    if latest is None:
        return (f"{subject} was {baseline} out of 10 at the start. "
                "Progress will show here after the first session.")
    moved = progress.change
    if moved.points > 0:
        return (f"{subject} went from {baseline} to {latest} {over} — "
                f"a {whole_percent(moved.percent)} % drop.")
    if moved.points == 0:
        after = "" if progress.sessions_done == 0 else " " + over.replace("over", "after")
        return f"{subject} is still {latest} out of 10{after}, the same as at the start."
    points = -moved.points
    return (f"{subject} went from {baseline} to {latest} {over} — "
            f"{points} point{'s' if points != 1 else ''} higher than at the start.")


def csv_rows(progress, zone):
    """The scores as CSV rows (header first), oldest first; times in UTC and in `zone`."""
    yield CSV_HEADER
    for score in progress.scores:
        if score.pain is None:
            continue
        local = score.at.astimezone(zone)
        yield [iso_utc(score.at), f"{local:%Y-%m-%d %H:%M} {local.tzname()}", score.kind,
               "" if score.session is None else score.session, score.source, score.pain]
