"""The progress service: timelines, summaries, CSV rows and the clinic outcome summary."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.factories import (
    make_appointment,
    make_checkin,
    make_course,
    make_scored_course,
    make_user,
    make_visit,
)
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.treatments import outcomes
from tracker.treatments.models import Course
from tracker.treatments.outcome_summary import outcome_summary
from tracker.treatments.outcomes import Thresholds
from tracker.treatments.progress import (
    load_course_progress,
    load_progress,
    progress_of_loaded_course,
)
from tracker.treatments.progress_format import csv_rows, plain_summary, progress_data
from tracker.treatments.queries import course_page_options

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_timeline_merges_visits_checkins_and_discharge_in_time_order():
    course = make_scored_course([7, 5], baseline_pain=7)
    make_checkin(course, pain=6, recorded_at=START + timedelta(days=1))
    course.discharge_pain = 3
    course.ended_at = START + timedelta(days=10)
    db.session.commit()
    progress = load_course_progress(course, Thresholds())
    assert [(score.kind, score.pain) for score in progress.scores] == [
        ("before", 7), ("after", 6), ("checkin", 6), ("before", 5), ("after", 4),
        ("discharge", 3)]
    assert progress.sessions_done == 2
    assert progress.latest == 3
    assert (progress.change.points, str(progress.change.percent)) == (4, "57.1")
    assert progress.category == outcomes.SUBSTANTIAL and progress.responder


def test_unsigned_visits_and_missing_scores_do_not_count():
    course = make_scored_course([6], baseline_pain=6)
    make_visit(make_appointment(course, starts_at=START + timedelta(days=3)), signed=False,
               pain_before=2)
    make_visit(make_appointment(course, starts_at=START + timedelta(days=6)),
               pain_before=None, pain_after=None)
    progress = load_course_progress(course, Thresholds())
    assert progress.sessions_done == 2
    assert progress.latest == 6
    assert [score["pain"] for score in progress_data(progress)["scores"]] == [6, 5]


def test_a_course_without_scores():
    course = make_course(baseline_pain=7)
    progress = load_course_progress(course, Thresholds())
    assert progress.latest is None and progress.change is None and progress.category is None
    assert progress.decision == outcomes.NOT_YET
    assert plain_summary(progress) == ("Your pain was 7 out of 10 at the start. "
                                       "Progress will show here after the first session.")
    data = progress_data(progress)
    assert data["change"] is None and data["responder"] is False and data["scores"] == []


def test_non_responder_at_the_review_session_is_due_a_review():
    course = make_scored_course([7, 7, 6, 7, 6, 6], baseline_pain=7)
    progress = load_course_progress(course, Thresholds())
    assert progress.decision == outcomes.REVIEW_DUE
    assert progress_data(progress)["decision"] == "review due"


def test_an_ended_course_shows_how_it_ended_not_a_decision():
    course = make_scored_course([7, 5, 3], baseline_pain=7, status="completed", discharge_pain=2)
    progress = load_course_progress(course, Thresholds())
    assert progress.decision == outcomes.COMPLETED
    assert progress.decision_label == "Course completed"
    assert progress.category == outcomes.SUBSTANTIAL  # the outcome is still reported
    stopped = make_scored_course([7, 7, 8], baseline_pain=7, status="discontinued",
                                 discontinued_reason="Moved away")
    assert load_course_progress(stopped, Thresholds()).decision == outcomes.DISCONTINUED


def test_rising_pain_window_is_a_setting():
    course = make_scored_course([4, 5], baseline_pain=7)
    assert load_course_progress(course, Thresholds()).decision == outcomes.IMPROVING
    strict = Thresholds(rising_scores=2)
    assert load_course_progress(course, strict).decision == outcomes.REVIEW_DUE


def test_summary_sentences():
    progress = load_course_progress(make_scored_course([7, 6, 5, 4, 4, 3], baseline_pain=7),
                                    Thresholds())
    assert plain_summary(progress) == ("Your pain went from 7 to 3 over 6 sessions — "
                                       "a 57 % drop.")
    worse = load_course_progress(make_scored_course([6], baseline_pain=4), Thresholds())
    assert plain_summary(worse, "Pain") == ("Pain went from 4 to 6 over 1 session — "
                                            "2 points higher than at the start.")
    same = load_course_progress(make_scored_course([0], baseline_pain=0), Thresholds())
    assert plain_summary(same) == ("Your pain is still 0 out of 10 after 1 session, "
                                   "the same as at the start.")


def test_json_shape():
    course = make_scored_course([7, 5], baseline_pain=7, planned_sessions=8)
    make_visit(make_appointment(course, starts_at=START + timedelta(days=6)), pain_before=5,
               pain_after=4, adverse_events=["bruising"])
    make_appointment(course, starts_at=START + timedelta(days=30))
    make_checkin(course, pain=4, side_effects=["soreness"],
                 recorded_at=START + timedelta(days=7))
    data = progress_data(load_course_progress(course, Thresholds()))
    assert data["course"]["planned_sessions"] == 8 and data["course"]["sessions_done"] == 3
    assert data["scores"][0] == {"at": "2026-03-02T14:00:00Z", "pain": 7, "kind": "before",
                                 "session": 1, "source": "visit"}
    assert data["scores"][-1]["kind"] == "checkin" and data["scores"][-1]["source"] == "portal"
    assert data["change"] == {"points": 3, "percent": 42.9}
    assert data["category"] == "moderate" and data["responder"] is True
    assert data["thresholds"]["responder_pain"] == 5
    assert [session["status"] for session in data["sessions"]] == ["completed"] * 3 + ["booked"]
    assert [event["codes"] for event in data["adverse_events"]] == [["bruising"], ["soreness"]]
    assert data["adverse_events"][0]["session"] == 3
    assert data["adverse_events"][0]["labels"] == ["Bruising / haematoma"]


def test_load_progress_keeps_courses_apart():
    practitioner = make_user(Role.PRACTITIONER)
    first = make_scored_course([7, 3], practitioner=practitioner)
    second = make_scored_course([5], practitioner=practitioner, baseline_pain=5)
    progresses = load_progress([second, first], Thresholds())
    assert [progress.course.id for progress in progresses] == [second.id, first.id]
    assert [progress.latest for progress in progresses] == [5, 3]


def test_csv_rows_give_utc_and_local_times():
    course = make_scored_course([7], baseline_pain=7)
    rows = list(csv_rows(load_course_progress(course, Thresholds()),
                         ZoneInfo("America/New_York")))
    assert rows[0] == ["recorded_at_utc", "local_time", "kind", "session", "source", "pain"]
    assert rows[1] == ["2026-03-02T14:00:00Z", "2026-03-02 09:00 EST", "before", 1, "visit", 7]
    assert len(rows) == 3


def test_outcome_summary_by_practitioner():
    lin = make_user(Role.PRACTITIONER, name="Lin")
    sam = make_user(Role.PRACTITIONER, name="Sam")
    make_scored_course([7, 3], practitioner=lin, status="completed")       # 57 %: responder
    make_scored_course([8, 7], practitioner=lin, status="completed")       # 7 → 7: not
    make_scored_course([6, 6], practitioner=lin, status="completed",       # discharge 0
                       baseline_pain=6, discharge_pain=0, ended_at=START + timedelta(days=9))
    make_course(practitioner=lin, status="completed")                      # no score at all
    make_scored_course([7, 2], practitioner=sam, status="active")          # not completed
    late = make_scored_course([5], practitioner=sam, status="completed", baseline_pain=5)
    make_checkin(late, pain=6, recorded_at=START + timedelta(days=20))     # latest: worse
    groups, clinic = outcome_summary(Thresholds())
    by_name = {group.name: group for group in groups}
    assert set(by_name) == {"Lin", "Sam"}
    assert (by_name["Lin"].completed, by_name["Lin"].scored, by_name["Lin"].responders) == (4, 3, 2)
    assert str(by_name["Lin"].responder_share) == "66.7"
    assert str(by_name["Lin"].mean_points) == "3.3"      # (4 + 0 + 6) / 3
    assert str(by_name["Lin"].mean_percent) == "52.4"    # (57.1 + 0 + 100) / 3
    assert by_name["Sam"].responders == 0 and str(by_name["Sam"].mean_points) == "-1.0"
    assert clinic.completed == 5 and clinic.responders == 2
    assert by_name["Lin"].categories[outcomes.RECOVERED] == 1


def test_the_course_page_builds_the_same_progress_from_what_it_loaded():
    course = make_scored_course([7, 6, 5], baseline_pain=7)
    make_visit(make_appointment(course, starts_at=START + timedelta(days=20)), signed=False,
               pain_before=2)
    make_appointment(course, starts_at=START + timedelta(days=1), status="cancelled")
    make_appointment(course, starts_at=START + timedelta(days=30))  # booked, ahead
    make_visit(make_appointment(course, starts_at=START + timedelta(days=25)),
               adverse_events=["bruising"])
    make_checkin(course, pain=6, recorded_at=START + timedelta(days=2))
    course_id = course.id
    db.session.expunge_all()
    loaded = db.session.scalar(sa.select(Course).where(Course.id == course_id)
                               .options(*course_page_options()))
    from_loaded = progress_of_loaded_course(loaded, Thresholds())
    assert progress_data(from_loaded) == progress_data(load_course_progress(loaded, Thresholds()))
    assert from_loaded.sessions_done == 4 and len(from_loaded.safety_events) == 1
