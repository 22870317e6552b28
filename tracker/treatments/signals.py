"""What the clinical core announces. Billing and reminders subscribe; handlers run
synchronously inside the caller's transaction, so a rollback undoes their work too."""

from blinker import Namespace

_signals = Namespace()

#: sender: the Appointment just booked
appointment_booked = _signals.signal("appointment-booked")
#: sender: the Appointment; keyword `previous_starts_at`
appointment_rescheduled = _signals.signal("appointment-rescheduled")
#: sender: the Appointment just cancelled
appointment_cancelled = _signals.signal("appointment-cancelled")
#: sender: the Appointment the patient did not attend
appointment_no_show = _signals.signal("appointment-no-show")
#: sender: the Visit just signed (its appointment is completed, its course advanced)
visit_signed = _signals.signal("visit-signed")
#: sender: the signed Visit just corrected; keyword `amendment` (the Amendment recorded)
visit_amended = _signals.signal("visit-amended")
#: sender: the Course; keyword `previous_status`
course_status_changed = _signals.signal("course-status-changed")
#: sender: the PainCheckin just recorded (portal or email link)
checkin_recorded = _signals.signal("checkin-recorded")

# Questions the clinical core asks before acting; receivers return lists of strings.
#: sender: the Patient; keywords `course` (or None), `starts_at` (list of UTC datetimes).
#: Each receiver returns a list of warnings to show before the booking is confirmed.
booking_warnings = _signals.signal("booking-warnings")
#: sender: the Patient; keywords `planned_sessions`, `practitioner`, `course` (or None).
#: Each receiver returns a list of lines for the planning page, e.g. a cost forecast.
course_planning_notes = _signals.signal("course-planning-notes")


def collect(signal, sender, **kwargs):
    """Every receiver's answers to `signal`, flattened into one list."""
    return [item for _, answers in signal.send(sender, **kwargs) for item in (answers or [])]
