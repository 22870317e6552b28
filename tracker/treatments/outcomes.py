"""Outcome arithmetic: pure functions over pain scores, tested on hand-computed cases.

Thresholds follow IMMPACT (Dworkin 2008): a 10–20 % drop is minimal, 30 % or 2 points is
moderate (a "responder"), 50 % is substantial; NRS 0 is "recovered". Every threshold
comes in through `Thresholds`, built from clinic settings, never as a literal here.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise


@dataclass(frozen=True)
class Thresholds:
    minimal_percent: int = 10
    responder_percent: int = 30
    responder_points: int = 2
    substantial_percent: int = 50
    review_session: int = 6
    #: how many consecutive rising scores make a review due
    rising_scores: int = 3

    @classmethod
    def from_settings(cls, settings):
        return cls(
            minimal_percent=settings["outcome.minimal_percent"],
            responder_percent=settings["outcome.responder_percent"],
            responder_points=settings["outcome.responder_points"],
            substantial_percent=settings["outcome.substantial_percent"],
            review_session=settings["outcome.review_session"],
            rising_scores=settings["outcome.rising_scores"],
        )


@dataclass(frozen=True)
class Score:
    """One pain score on a course's timeline."""

    at: datetime
    #: NRS 0–10; None when the score was not captured (such a score is ignored)
    pain: int | None
    #: "before" or "after" (a visit's scores), "checkin" or "discharge"
    kind: str
    #: the visit's session number; None for check-ins
    session: int | None = None
    #: "visit", "portal", "email" or "discharge"
    source: str = "visit"

    @property
    def tracks_progress(self):
        """Scores that say how the patient has been living: not the minutes after needling."""
        return self.kind != "after" and self.pain is not None


# Categories, best first.
RECOVERED = "recovered"
SUBSTANTIAL = "substantial"
MODERATE = "moderate"
MINIMAL = "minimal"
NO_CHANGE = "no change"
WORSE = "worse"

#: the categories of a meaningful improvement (IMMPACT "moderate" or better)
RESPONDER_CATEGORIES = (RECOVERED, SUBSTANTIAL, MODERATE)

CATEGORY_LABELS = {
    RECOVERED: "Recovered (no pain)",
    SUBSTANTIAL: "Substantial improvement",
    MODERATE: "Moderate improvement (responder)",
    MINIMAL: "Minimal improvement",
    NO_CHANGE: "No meaningful change",
    WORSE: "Worse",
}

# Decision states for a course.
IMPROVING = "improving"
NOT_YET = "not yet"
REVIEW_DUE = "review due"

# A course that has ended no longer needs a decision: its state is how it ended.
COMPLETED = "completed"
DISCONTINUED = "discontinued"

DECISION_LABELS = {
    RECOVERED: "Recovered",
    IMPROVING: "Improving",
    NOT_YET: "Not yet improving",
    REVIEW_DUE: "Review due",
    COMPLETED: "Course completed",
    DISCONTINUED: "Course discontinued",
}


@dataclass(frozen=True)
class Change:
    baseline: int
    latest: int
    #: drop in points: positive is better
    points: int
    #: drop as a percentage of baseline, one decimal; None when the baseline is 0
    percent: Decimal | None


def change(baseline, latest):
    percent = None
    if baseline:
        exact = Decimal(baseline - latest) * 100 / Decimal(baseline)
        percent = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Change(baseline=baseline, latest=latest, points=baseline - latest, percent=percent)


def category(baseline, latest, thresholds=Thresholds()):
    """The IMMPACT category of the change from `baseline` to `latest`."""
    if latest == 0 and baseline > 0:
        return RECOVERED
    if latest > baseline:
        return WORSE
    if baseline == 0:
        return NO_CHANGE
    moved = change(baseline, latest)
    if moved.percent >= thresholds.substantial_percent:
        return SUBSTANTIAL
    if moved.percent >= thresholds.responder_percent or moved.points >= thresholds.responder_points:
        return MODERATE
    if moved.percent >= thresholds.minimal_percent:
        return MINIMAL
    return NO_CHANGE


def is_responder(baseline, latest, thresholds=Thresholds()):
    return category(baseline, latest, thresholds) in RESPONDER_CATEGORIES


def responder_pain(baseline, thresholds=Thresholds()):
    """The highest whole NRS score that counts as a responder from `baseline`.

    The top of the chart's responder band: baseline 7 gives 5 (2 points), baseline 3
    gives 2 (33 %). None when no lower score exists (baseline 0).
    """
    for pain in range(baseline - 1, -1, -1):
        if is_responder(baseline, pain, thresholds):
            return pain
    return None


def progress_scores(scores):
    """The scores that track progress, oldest first."""
    return sorted((score for score in scores if score.tracks_progress), key=lambda s: s.at)


def latest_pain(scores):
    tracked = progress_scores(scores)
    return tracked[-1].pain if tracked else None


def trend(scores, window=3):
    """'rising', 'falling' or 'flat' over the last `window` progress scores; None if too few."""
    recent = [score.pain for score in progress_scores(scores)[-window:]]
    if len(recent) < window:
        return None
    pairs = list(pairwise(recent))
    if all(later > earlier for earlier, later in pairs):
        return "rising"
    if all(later < earlier for earlier, later in pairs):
        return "falling"
    return "flat"


def decision(baseline, scores, sessions_done, thresholds=Thresholds()):
    """Where a course stands: recovered, improving, not yet, or review due.

    Review is due when pain has risen over the last three scores (a setting), or when
    the review session is reached without a meaningful (responder) drop from baseline.
    """
    latest = latest_pain(scores)
    if latest is None:
        return NOT_YET
    if latest == 0 and baseline > 0:
        return RECOVERED
    if trend(scores, thresholds.rising_scores) == "rising":
        return REVIEW_DUE
    if is_responder(baseline, latest, thresholds):
        return IMPROVING
    if sessions_done >= thresholds.review_session:
        return REVIEW_DUE
    return NOT_YET


def peg_score(pain, enjoyment, activity):
    """PEG (Krebs 2009): the mean of its three 0–10 items, one decimal; None if incomplete."""
    if None in (pain, enjoyment, activity):
        return None
    mean = Decimal(pain + enjoyment + activity) / 3
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


ODI_BANDS = [(20, "minimal disability"), (40, "moderate disability"),
             (60, "severe disability"), (80, "crippled"), (100, "bed-bound")]


def odi_score(answers):
    """Oswestry Disability Index: sum / (5 × answered sections) × 100, one decimal.

    `answers` holds ten section scores 0–5, None for a skipped section. None when no
    section was answered.
    """
    answered = [value for value in (answers or []) if value is not None]
    if not answered:
        return None
    exact = Decimal(sum(answered)) * 100 / (5 * len(answered))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def odi_band(score):
    if score is None:
        return None
    for upper, label in ODI_BANDS:
        if score <= upper:
            return label
    return ODI_BANDS[-1][1]
