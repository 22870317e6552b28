"""Clinic settings for reminder timings, retries and check-in links."""

from tracker.clinic.settings import SettingSpec, register

MAX_FOLLOWUP_DAYS = 730


def check_followup_days(text):
    parts = [part.strip() for part in str(text).split(",") if part.strip()]
    if not all(part.isdigit() and 1 <= int(part) <= MAX_FOLLOWUP_DAYS for part in parts):
        raise ValueError(f"List days after the course ends, from 1 to {MAX_FOLLOWUP_DAYS}, "
                         "e.g. 14,90 (leave empty for no follow-ups).")


def followup_days(settings):
    """The follow-up offsets as sorted, distinct whole days."""
    text = str(settings["reminder.followup_days"])
    return sorted({int(part) for part in text.split(",") if part.strip().isdigit()})


SECTION = "Reminders"

register(
    SettingSpec("reminder.appointment_hours_before", 24, "Appointment reminder (hours before)",
                kind=int, minimum=1, maximum=168, section=SECTION),
    SettingSpec("reminder.second_enabled", False, "Send a second appointment reminder",
                kind=bool, section=SECTION),
    SettingSpec("reminder.second_hours_before", 2, "Second reminder (hours before)",
                kind=int, minimum=1, maximum=48, section=SECTION),
    SettingSpec("reminder.checkin_hours_after", 24, "Post-visit check-in (hours after signing)",
                kind=int, minimum=1, maximum=168, section=SECTION),
    SettingSpec("reminder.followup_days", "14,90", "Course follow-ups (days after completion)",
                section=SECTION, check=check_followup_days,
                help="Comma-separated days; 14,90 asks for a pain score after 2 weeks and "
                     "3 months."),
    SettingSpec("reminder.grace_hours", 6, "Late reminders still sent within (hours)",
                kind=int, minimum=1, maximum=72, section=SECTION,
                help="A reminder whose time passed longer ago than this (for example while "
                     "the scheduler was stopped) is not created."),
    SettingSpec("reminder.max_attempts", 5, "Sending attempts before a reminder fails",
                kind=int, minimum=1, maximum=20, section=SECTION),
    SettingSpec("reminder.backoff_seconds", 60, "First retry after (seconds)", kind=int,
                minimum=5, maximum=3600, section=SECTION,
                help="Each further retry waits twice as long."),
    SettingSpec("reminder.lease_seconds", 300, "Sending lease (seconds)", kind=int,
                minimum=30, maximum=3600, section=SECTION,
                help="A reminder claimed by a scheduler that stopped is taken up again "
                     "after this."),
    SettingSpec("checkin.link_days", 7, "Check-in links valid for (days)", kind=int,
                minimum=1, maximum=60, section=SECTION),
)
