"""Clinic settings of the clinical core: course length and outcome thresholds."""

from tracker.clinic.settings import SettingSpec, register

register(
    SettingSpec("course.min_sessions", 6, "Fewest planned sessions in a course", kind=int,
                minimum=1, maximum=60, section="Courses"),
    SettingSpec("course.max_sessions", 12, "Most planned sessions in a course", kind=int,
                minimum=1, maximum=60, section="Courses"),
    SettingSpec("outcome.minimal_percent", 10, "Minimal improvement from (%)", kind=int,
                minimum=1, maximum=100, section="Outcomes"),
    SettingSpec("outcome.responder_percent", 30, "Responder: drop of at least (%)", kind=int,
                minimum=1, maximum=100, section="Outcomes",
                help="IMMPACT: a 30 % or 2-point drop is a moderate, meaningful change."),
    SettingSpec("outcome.responder_points", 2, "Responder: or a drop of at least (points)",
                kind=int, minimum=1, maximum=10, section="Outcomes"),
    SettingSpec("outcome.substantial_percent", 50, "Substantial improvement from (%)",
                kind=int, minimum=1, maximum=100, section="Outcomes"),
    SettingSpec("outcome.review_session", 6, "Plan review due at session", kind=int,
                minimum=1, maximum=60, section="Outcomes",
                help="A course reaching this session without a meaningful drop is due a review."),
)

# Progress decisions (charts, course page, portal).
register(
    SettingSpec("outcome.rising_scores", 3, "Review due when pain rises over the last (scores)",
                kind=int, minimum=2, maximum=10, section="Outcomes",
                help="Pain going up at each of this many consecutive scores makes a review due."),
)
