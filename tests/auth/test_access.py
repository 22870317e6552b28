from tests.factories import make_patient, make_patient_user, make_user
from tracker.auth.models import Role


def test_patient_gets_404_for_another_patients_page(client, login):
    alice = make_patient_user()
    bob = make_patient()
    login(alice)
    assert client.get(f"/patients/{bob.id}").status_code == 404
    assert client.get(f"/patients/{bob.id}/edit").status_code == 404
    assert client.post(f"/patients/{bob.id}/archive").status_code == 404


def test_patient_gets_404_for_staff_pages(client, login):
    login(make_patient_user())
    assert client.get("/patients/").status_code == 404
    assert client.get("/patients/new").status_code == 404
    assert client.get("/admin/settings").status_code == 404


def test_patient_opening_their_own_record_goes_home(client, login):
    user = make_patient_user()
    login(user)
    response = client.get(f"/patients/{user.patient.id}")
    assert response.status_code == 302


def test_practitioner_cannot_change_clinic_settings(client, login):
    login(make_user(Role.PRACTITIONER))
    assert client.get("/admin/settings").status_code == 403


def test_staff_see_every_patient(client, login):
    patient = make_patient()
    for role in (Role.PRACTITIONER, Role.ADMIN):
        login(make_user(role))
        assert client.get(f"/patients/{patient.id}").status_code == 200
        client.post("/logout")


def test_unknown_page_is_a_generic_404(client, login):
    login(make_user(Role.ADMIN))
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Not found" in response.data
    assert b"Traceback" not in response.data
