"""How often a course's sessions happen, and the dates that follows from.

A frequency is a short pattern stored on the course: comma-separated phases, each
"N" (N sessions a week) or "NxW" (N a week for W weeks). The last phase goes on for as
long as sessions remain: "2x3,1" is twice a week for three weeks, then weekly.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

PHASE = re.compile(r"^([1-7])(?:x([1-9][0-9]?))?$")

#: the patterns offered on the planning form, most common first
FREQUENCY_CHOICES = [
    ("2x3,1", "Twice a week for 3 weeks, then weekly"),
    ("2", "Twice a week"),
    ("1", "Once a week"),
    ("3", "Three times a week"),
    ("2x4,1", "Twice a week for 4 weeks, then weekly"),
    ("3x2,2", "Three times a week for 2 weeks, then twice a week"),
    ("3x2,2x2,1", "Three times a week for 2 weeks, twice a week for 2 weeks, then weekly"),
]

TIMES = {1: "Once", 2: "Twice", 3: "Three times", 4: "Four times", 5: "Five times",
         6: "Six times", 7: "Every day,"}


@dataclass(frozen=True)
class Phase:
    per_week: int
    #: None for the last phase, which lasts until the sessions run out
    weeks: int | None


def parse_frequency(pattern):
    """The phases of a pattern; ValueError with a readable message when it is malformed."""
    phases = []
    parts = str(pattern or "").replace(" ", "").split(",")
    for index, part in enumerate(parts):
        match = PHASE.match(part)
        if not match:
            raise ValueError(f"'{pattern}' is not a frequency such as 2 or 2x3,1.")
        weeks = int(match.group(2)) if match.group(2) else None
        is_last = index == len(parts) - 1
        if weeks is None and not is_last:
            raise ValueError("Only the last part of a frequency can go on without a number "
                             "of weeks, as in 2x3,1.")
        phases.append(Phase(per_week=int(match.group(1)), weeks=weeks))
    return phases


def describe_frequency(pattern):
    """A pattern in words: '2x3,1' -> 'Twice a week for 3 weeks, then once a week'."""
    labels = dict(FREQUENCY_CHOICES)
    if pattern in labels:
        return labels[pattern]
    try:
        phases = parse_frequency(pattern)
    except ValueError:
        return pattern
    words = []
    for phase in phases:
        text = f"{TIMES[phase.per_week]} a week"
        if phase.weeks:
            text += f" for {phase.weeks} week{'s' if phase.weeks > 1 else ''}"
        words.append(text)
    sentence = ", then ".join(words[:1] + [word[0].lower() + word[1:] for word in words[1:]])
    return sentence


def sessions_per_week(phases, week_index):
    """How many sessions the pattern asks for in week `week_index` (0 is the first)."""
    elapsed = 0
    for phase in phases:
        if phase.weeks is None or week_index < elapsed + phase.weeks:
            return phase.per_week
        elapsed += phase.weeks
    return phases[-1].per_week


def session_dates(first_day, pattern, count, open_weekdays):
    """`count` session dates from `first_day` on, following the pattern on open weekdays.

    Each week (counted from `first_day`) spreads its sessions evenly: twice a week from a
    Monday gives Monday and Thursday. A day the clinic is closed moves to the next open day
    of the same week, or else the previous one; a week with too few open days gets fewer.
    """
    phases = parse_frequency(pattern)
    if not open_weekdays:
        raise ValueError("The clinic has no open weekdays; set them in the clinic settings.")
    while first_day.isoweekday() not in open_weekdays:  # weeks count from the first session
        first_day += timedelta(days=1)
    dates = []
    week = 0
    while len(dates) < count and week < count * 7:
        week_start = first_day + timedelta(weeks=week)
        per_week = sessions_per_week(phases, week)
        for offset in (i * 7 // per_week for i in range(per_week)):
            day = _open_day_near(week_start, offset, open_weekdays, dates)
            if day is not None and len(dates) < count:
                dates.append(day)
        week += 1
    return dates


def _open_day_near(week_start, offset, open_weekdays, taken):
    """The open day at `offset` in the week, or the nearest later, then earlier, free one."""
    forward = range(offset, 7)
    backward = range(offset - 1, -1, -1)
    for candidate in (*forward, *backward):
        day = week_start + timedelta(days=candidate)
        if day.isoweekday() in open_weekdays and day not in taken and (
                not taken or day > taken[-1]):
            return day
    return None
