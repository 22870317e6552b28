"""Patients and clinical records are archived or amended, never deleted."""

import pytest

from tests.factories import make_checkin, make_course, make_patient, make_visit
from tracker.extensions import db
from tracker.retention import RecordRetentionError
from tracker.treatments.errors import VisitLockedError


@pytest.mark.parametrize("make", [
    make_patient, make_course, make_visit, lambda: make_checkin(make_course())])
def test_clinical_records_cannot_be_deleted(make):
    record = make()
    db.session.delete(record)
    with pytest.raises((RecordRetentionError, VisitLockedError)):  # a signed visit is locked
        db.session.flush()
    db.session.rollback()
    assert db.session.get(type(record), record.id) is not None


def test_an_unsigned_visit_draft_may_be_discarded():
    draft = make_visit(signed=False)
    db.session.delete(draft)
    db.session.commit()
