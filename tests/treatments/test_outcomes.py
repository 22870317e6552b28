"""Outcome arithmetic on hand-computed cases."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tracker.treatments import outcomes
from tracker.treatments.outcomes import Score, Thresholds

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def scores(*pains, kind="before"):
    return [Score(at=START + timedelta(days=3 * index), pain=pain, kind=kind, session=index + 1)
            for index, pain in enumerate(pains)]


@pytest.mark.parametrize("baseline,latest,points,percent", [
    (7, 3, 4, Decimal("57.1")),  # "from 7 to 3 — a 57 % drop"
    (8, 6, 2, Decimal("25.0")),
    (5, 5, 0, Decimal("0.0")),
    (4, 6, -2, Decimal("-50.0")),
    (3, 0, 3, Decimal("100.0")),
    (0, 2, -2, None),  # a zero baseline has no percentage
])
def test_change(baseline, latest, points, percent):
    moved = outcomes.change(baseline, latest)
    assert (moved.points, moved.percent) == (points, percent)


@pytest.mark.parametrize("baseline,latest,expected", [
    (10, 9, outcomes.MINIMAL),       # 10 %
    (10, 8, outcomes.MODERATE),      # 20 % but 2 points: responder
    (7, 5, outcomes.MODERATE),       # 28.6 %, 2 points
    (10, 7, outcomes.MODERATE),      # 30 %
    (3, 2, outcomes.MODERATE),       # 33 %, 1 point
    (10, 5, outcomes.SUBSTANTIAL),   # 50 %
    (7, 3, outcomes.SUBSTANTIAL),    # 57 %
    (6, 0, outcomes.RECOVERED),
    (20, 19, outcomes.NO_CHANGE),    # 5 % (an impossible NRS, but the arithmetic holds)
    (5, 5, outcomes.NO_CHANGE),
    (4, 6, outcomes.WORSE),
    (0, 0, outcomes.NO_CHANGE),
    (0, 3, outcomes.WORSE),
])
def test_category(baseline, latest, expected):
    assert outcomes.category(baseline, latest) == expected


def test_thresholds_are_settings():
    strict = Thresholds(responder_percent=40, responder_points=4)
    assert outcomes.category(10, 7) == outcomes.MODERATE
    assert outcomes.category(10, 7, strict) == outcomes.MINIMAL


def test_latest_ignores_pain_after_needling():
    timeline = [*scores(7, 6), Score(at=START + timedelta(days=4), pain=2, kind="after")]
    assert outcomes.latest_pain(timeline) == 6


def test_trend():
    assert outcomes.trend(scores(7, 5, 4)) == "falling"
    assert outcomes.trend(scores(3, 4, 6)) == "rising"
    assert outcomes.trend(scores(5, 5, 6)) == "flat"
    assert outcomes.trend(scores(5, 4)) is None
    assert outcomes.trend(scores(6)) is None


@pytest.mark.parametrize("baseline,pains,sessions,expected", [
    (7, (), 0, outcomes.NOT_YET),                      # no scores yet
    (7, (7,), 1, outcomes.NOT_YET),                    # a single score
    (7, (6, 5), 2, outcomes.IMPROVING),                # 2 points down
    (7, (7, 7, 6, 7, 7, 6), 6, outcomes.REVIEW_DUE),   # midpoint without a meaningful drop
    (7, (7, 7, 6, 7, 6), 5, outcomes.NOT_YET),         # not there yet
    (7, (3, 4, 5), 3, outcomes.REVIEW_DUE),            # rising over the last three
    (7, (4, 2, 0), 3, outcomes.RECOVERED),
    (0, (0, 0), 2, outcomes.NOT_YET),                  # zero baseline stays "not yet"
])
def test_decision(baseline, pains, sessions, expected):
    assert outcomes.decision(baseline, scores(*pains), sessions) == expected


def test_review_session_is_a_setting():
    timeline = scores(7, 7, 7, 7)
    assert outcomes.decision(7, timeline, 4) == outcomes.NOT_YET
    assert outcomes.decision(7, timeline, 4, Thresholds(review_session=4)) == outcomes.REVIEW_DUE


def test_peg():
    assert outcomes.peg_score(6, 5, 7) == Decimal("6.0")
    assert outcomes.peg_score(6, 5, 6) == Decimal("5.7")
    assert outcomes.peg_score(6, None, 6) is None


@pytest.mark.parametrize("answers,score,band", [
    ([2] * 10, Decimal("40.0"), "moderate disability"),
    ([1, 1, 1, 1, 1, None, None, None, None, None], Decimal("20.0"), "minimal disability"),
    ([5, 4, 3, None, 2, 3, 4, 5, 1, 0], Decimal("60.0"), "severe disability"),
    ([5] * 10, Decimal("100.0"), "bed-bound"),
    ([4, 4, 4, 4, 4, 4, 4, 3, 3, 3], Decimal("74.0"), "crippled"),
    ([None] * 10, None, None),
    (None, None, None),
])
def test_odi(answers, score, band):
    assert outcomes.odi_score(answers) == score
    assert outcomes.odi_band(score) == band


@pytest.mark.parametrize("baseline,expected", [
    (7, 5),    # 2 points (28.6 %) is the first responder score
    (10, 8),   # 2 points
    (3, 2),    # 1 point is 33 %
    (1, 0),    # only 0 is lower
    (0, None),  # nothing is lower than 0
])
def test_responder_pain_is_the_top_of_the_responder_band(baseline, expected):
    assert outcomes.responder_pain(baseline) == expected


def test_responder_pain_follows_the_thresholds():
    assert outcomes.responder_pain(10, Thresholds(responder_percent=40, responder_points=5)) == 6


def test_missing_scores_are_ignored():
    timeline = [*scores(7, 6), Score(at=START + timedelta(days=9), pain=None, kind="before")]
    assert outcomes.latest_pain(timeline) == 6
    assert outcomes.trend([*scores(7, 6), *scores(None, kind="checkin")]) is None
    assert outcomes.decision(7, scores(None, None), 2) == outcomes.NOT_YET


def test_a_single_score():
    single = scores(4)
    assert outcomes.latest_pain(single) == 4
    assert outcomes.trend(single) is None
    assert outcomes.decision(7, single, 1) == outcomes.IMPROVING   # 3 points down already
    assert outcomes.decision(4, single, 1) == outcomes.NOT_YET


def test_zero_baseline():
    assert outcomes.change(0, 0).percent is None
    assert outcomes.is_responder(0, 0) is False
    assert outcomes.decision(0, scores(2, 3, 4), 3) == outcomes.REVIEW_DUE  # rising
    assert outcomes.decision(0, scores(0), 6) == outcomes.REVIEW_DUE       # no drop possible


def test_checkins_and_discharge_track_progress_but_not_pain_after_needling():
    timeline = [Score(at=START, pain=6, kind="before", session=1),
                Score(at=START + timedelta(hours=1), pain=2, kind="after", session=1),
                Score(at=START + timedelta(days=2), pain=5, kind="checkin", source="email"),
                Score(at=START + timedelta(days=9), pain=3, kind="discharge",
                      source="discharge")]
    assert [score.pain for score in outcomes.progress_scores(timeline)] == [6, 5, 3]
    assert outcomes.trend(timeline) == "falling"


def test_rising_window_setting():
    assert outcomes.decision(7, scores(4, 5), 2) == outcomes.IMPROVING
    assert outcomes.decision(7, scores(4, 5), 2, Thresholds(rising_scores=2)) == \
        outcomes.REVIEW_DUE
