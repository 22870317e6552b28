import pytest

from tests.factories import make_user
from tracker.auth.models import Role
from tracker.clinic.models import Setting
from tracker.clinic.settings import clinic_settings, forget_cached_settings
from tracker.extensions import db


@pytest.fixture
def admin(client, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def test_defaults_apply_until_changed():
    assert clinic_settings()["clinic.opens_at"].hour == 8


def test_admin_changes_a_setting(client, admin):
    response = client.post("/admin/settings", data={"clinic.name": "Harbor Acupuncture",
                                                    "clinic.opens_at": "07:30",
                                                    "clinic.closes_at": "19:00",
                                                    "clinic.open_weekdays": "1,2,3,4,5,6"})
    assert response.status_code == 302
    forget_cached_settings()
    assert clinic_settings()["clinic.name"] == "Harbor Acupuncture"
    assert clinic_settings().open_weekdays == {1, 2, 3, 4, 5, 6}
    assert b"Harbor Acupuncture" in client.get("/admin/settings").data


@pytest.mark.parametrize("key,value,message", [
    ("clinic.opens_at", "25:99", "Enter a time as HH:MM"),
    ("clinic.opens_at", "noon", "Enter a time as HH:MM"),
    ("clinic.open_weekdays", "mon,tue", "weekday numbers"),
    ("clinic.open_weekdays", "0,8", "weekday numbers"),
    ("clinic.name", "x" * 501, "at most 500"),
])
def test_bad_setting_is_named_and_nothing_is_saved(client, admin, key, value, message):
    response = client.post("/admin/settings", data={"clinic.name": "Renamed", key: value})
    assert response.status_code == 422
    assert message.encode() in response.data
    assert db.session.get(Setting, "clinic.name") is None


def test_unticking_a_checkbox_turns_the_setting_off(client, admin):
    key = "billing.evaluation_on_first_visit"
    assert clinic_settings()[key] is True
    client.post("/admin/settings", data={"clinic.name": "Harbor", "checkboxes": key})
    forget_cached_settings()
    assert clinic_settings()[key] is False
    client.post("/admin/settings", data={"clinic.name": "Harbor"})  # the box was not shown
    forget_cached_settings()
    assert clinic_settings()[key] is False
    client.post("/admin/settings", data={"checkboxes": key, key: "1"})
    forget_cached_settings()
    assert clinic_settings()[key] is True
