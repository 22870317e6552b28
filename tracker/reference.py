"""Reference rows every clinic starts with (the migrations insert the same rows).

The test suite builds its schema with `create_all()` and calls `seed_reference_data()`
after emptying the tables, so tests see what a migrated database holds.
"""

import sqlalchemy as sa

from tracker.billing.fees import fee_rows
from tracker.treatments.catalogue import POINTS


def point_rows():
    return [
        {"code": code, "name": name, "english_name": english, "region": region,
         "location": location, "note": note, "cautions": cautions}
        for code, name, english, region, location, note, cautions in POINTS
    ]


def seed_reference_data(connection):
    from tracker.treatments.models import Point

    connection.execute(sa.insert(Point), point_rows())
    seed_fee_schedule(connection)


def seed_fee_schedule(connection):
    from tracker.billing.models import FeeScheduleEntry

    connection.execute(sa.insert(FeeScheduleEntry), fee_rows())
