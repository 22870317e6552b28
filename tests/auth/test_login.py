import re

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_patient_user, make_user
from tracker.auth.models import Role, User
from tracker.auth.passwords import hash_password
from tracker.auth.services import AccountError, authenticate, change_password, create_user
from tracker.extensions import db


def test_login_page_is_public_and_everything_else_needs_login(client):
    assert client.get("/login").status_code == 200
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_practitioner_signs_in_and_sees_the_patient_list(client, login):
    user = make_user(Role.PRACTITIONER)
    response = login(user)
    assert response.status_code == 302
    page = client.get("/patients/", follow_redirects=True)
    assert page.status_code == 200
    assert b"Patients" in page.data
    db.session.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize("email,password", [
    ("practitioner1@example.org", "wrong password entirely"),
    ("nobody@example.org", PASSWORD),
])
def test_wrong_credentials_get_one_generic_message(client, login, email, password):
    make_user(Role.PRACTITIONER, email="practitioner1@example.org")
    response = login(email, password)
    assert response.status_code == 200
    assert b"Email or password is incorrect." in response.data
    assert client.get("/patients/").status_code == 302  # still signed out


def test_empty_login_fields_are_named(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert b"Enter your email." in response.data
    assert b"Enter your password." in response.data


def test_email_is_case_insensitive(client, login):
    make_user(Role.ADMIN, email="Front.Desk@Example.org")
    assert login("FRONT.DESK@example.ORG").status_code == 302


def test_inactive_user_cannot_sign_in(client, login):
    user = make_user(Role.PRACTITIONER)
    user.active = False
    db.session.commit()
    assert b"Email or password is incorrect." in login(user).data


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example",
                                    "https://evil.example", "javascript:alert(1)"])
def test_next_accepts_only_local_paths(client, target):
    user = make_user(Role.PRACTITIONER)
    response = client.post(f"/login?next={target}",
                           data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


def test_next_returns_to_the_local_page(client):
    user = make_user(Role.PRACTITIONER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": "/patients/?q=smith"})
    assert response.headers["Location"] == "/patients/?q=smith"


def test_logout_makes_a_copied_cookie_useless(app, client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/patients/").status_code == 302


def test_logout_is_not_a_get(client, login):
    login(make_user(Role.PRACTITIONER))
    assert client.get("/logout").status_code == 405
    assert client.get("/patients/").status_code == 200


def test_session_cookie_is_replaced_at_login(client, login):
    client.get("/login")
    before = client.get_cookie("session")
    login(make_user(Role.PRACTITIONER))
    after = client.get_cookie("session")
    assert after is not None
    assert before is None or before.value != after.value


def test_password_change_signs_out_other_devices(app, client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    other_device = app.test_client()
    other_device.set_cookie("session", client.get_cookie("session").value)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a much longer passphrase",
        "confirm_password": "a much longer passphrase"})
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200  # this device keeps going
    assert other_device.get("/patients/").status_code == 302


def test_password_change_refuses_a_common_password(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "password1234",
        "confirm_password": "password1234"})
    assert b"among the most common" in response.data
    assert authenticate(user.email, PASSWORD) is not None


def test_outdated_hash_is_upgraded_at_login(app, login):
    user = make_user(Role.PRACTITIONER)
    from argon2 import PasswordHasher

    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    db.session.commit()
    old_hash = user.password_hash
    assert login(user).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert f"m={app.config['PASSWORD_HASH_MEMORY_KIB']}" in user.password_hash


def test_production_parameters_meet_owasp(make_app):
    production = make_app(PASSWORD_HASH_TIME_COST=3, PASSWORD_HASH_MEMORY_KIB=65536,
                          PASSWORD_HASH_PARALLELISM=4)
    with production.app_context():
        params = re.search(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", hash_password("x" * 12))
    memory, time_cost, _ = (int(value) for value in params.groups())
    assert memory >= 19456 and time_cost >= 2


def test_patient_account_needs_a_patient_record():
    with pytest.raises(AccountError):
        create_user(email="p@example.org", name="P", password=PASSWORD, role=Role.PATIENT)


def test_change_password_checks_the_current_one():
    user = make_user(Role.PRACTITIONER)
    with pytest.raises(AccountError, match="current password"):
        change_password(user, current_password="not it at all", new_password="x" * 20)


def test_users_create_command(runner):
    result = runner.invoke(args=["users", "create", "--email", "new.admin@example.org",
                                 "--name", "New Admin", "--role", "admin",
                                 "--password", "long enough passphrase"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new.admin@example.org"))
    assert user.role == Role.ADMIN


def test_users_create_command_reports_a_weak_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                                 "--role", "admin", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_patient_home_is_their_own_record(client, login):
    user = make_patient_user()
    login(user)
    response = client.get("/")
    assert response.status_code == 302
