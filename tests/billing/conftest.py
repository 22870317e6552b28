import pytest

from tests.factories import make_user
from tracker.auth.models import Role


@pytest.fixture
def admin(client, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


@pytest.fixture
def practitioner(client, login):
    user = make_user(Role.PRACTITIONER)
    login(user)
    return user
