from datetime import UTC, date, datetime, time

import pytest

from tests.factories import make_course
from tracker.treatments.frequency import (
    Phase,
    describe_frequency,
    parse_frequency,
    session_dates,
)
from tracker.treatments.scheduling import propose_series

WEEKDAYS = {1, 2, 3, 4, 5}


def test_parse_patterns():
    assert parse_frequency("2") == [Phase(2, None)]
    assert parse_frequency("2x3,1") == [Phase(2, 3), Phase(1, None)]
    assert parse_frequency("3x2,2x2,1") == [Phase(3, 2), Phase(2, 2), Phase(1, None)]


@pytest.mark.parametrize("pattern", ["", "0", "8", "2x", "x3", "2x3,", "1,2x3", "two"])
def test_malformed_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        parse_frequency(pattern)


def test_describe():
    assert describe_frequency("2x3,1") == "Twice a week for 3 weeks, then weekly"
    assert describe_frequency("1x2,2") == "Once a week for 2 weeks, then twice a week"


def test_twice_weekly_for_three_weeks_then_weekly_from_a_monday():
    days = session_dates(date(2026, 3, 2), "2x3,1", 8, WEEKDAYS)
    assert days == [date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 9), date(2026, 3, 12),
                    date(2026, 3, 16), date(2026, 3, 19), date(2026, 3, 23), date(2026, 3, 30)]


def test_closed_days_are_skipped():
    days = session_dates(date(2026, 3, 7), "1", 3, WEEKDAYS)  # a Saturday
    assert days == [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]
    assert all(day.isoweekday() in {2, 4} for day in session_dates(date(2026, 3, 2), "2", 6,
                                                                 {2, 4}))


def _local_hours(starts):
    from zoneinfo import ZoneInfo

    return {when.astimezone(ZoneInfo("America/New_York")).time() for when in starts}


def test_a_weekly_series_keeps_its_local_time_across_the_spring_change():
    course = make_course(frequency="1", planned_sessions=4)
    starts = propose_series(course, date(2026, 3, 2), time(10, 0))
    assert _local_hours(starts) == {time(10, 0)}
    assert starts[0] == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)   # EST, UTC-5
    assert starts[2] == datetime(2026, 3, 16, 14, 0, tzinfo=UTC)  # EDT from March 8


def test_a_weekly_series_keeps_its_local_time_across_the_autumn_change():
    course = make_course(frequency="1", planned_sessions=3)
    starts = propose_series(course, date(2026, 10, 26), time(10, 0))
    assert _local_hours(starts) == {time(10, 0)}
    assert starts[0] == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)  # EDT
    assert starts[1] == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)   # EST from November 1
