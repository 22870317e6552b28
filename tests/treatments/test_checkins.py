from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.factories import make_course
from tracker.extensions import db
from tracker.treatments.checkins import CheckinError, record_checkin
from tracker.treatments.models import PainCheckin
from tracker.treatments.signals import checkin_recorded


def count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(PainCheckin))


def test_record_checkin_sends_its_signal():
    course = make_course()
    heard = []
    with checkin_recorded.connected_to(lambda sender: heard.append(sender)):
        checkin = record_checkin(course.patient, course, pain=4, peg_enjoyment=3,
                                 peg_activity=5, source="portal")
    assert checkin.course_id == course.id and heard == [checkin]


@pytest.mark.parametrize("pain", [-1, 11, 7.5, None, "7", True])
def test_pain_must_be_a_whole_number_from_0_to_10(pain):
    course = make_course()
    with pytest.raises(CheckinError):
        record_checkin(course.patient, course, pain=pain, source="portal")
    assert count() == 0


def test_portal_allows_one_checkin_per_local_day():
    course = make_course()  # patient in America/New_York
    morning = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)      # 09:00 in New York
    late_evening = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 23:30 the same local day
    next_day = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)       # 01:00 the next local day
    record_checkin(course.patient, course, pain=5, source="portal", now=morning)
    with pytest.raises(CheckinError, match="already checked in today"):
        record_checkin(course.patient, course, pain=4, source="portal", now=late_evening)
    record_checkin(course.patient, course, pain=4, source="portal", now=next_day)
    record_checkin(course.patient, course, pain=3, source="email", now=next_day)
    assert count() == 3


def test_a_course_of_another_patient_is_refused():
    mine, theirs = make_course(), make_course()
    with pytest.raises(CheckinError):
        record_checkin(mine.patient, theirs, pain=3, source="portal")
