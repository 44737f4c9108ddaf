"""The API's test clients: a user with every permission, one who may only look, and nobody, each with a token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from api import services
from tests.factories import UserFactory


def client_for(user) -> APIClient:
    _, token = services.api_token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.token = token
    client.user = user
    return client


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    settings.API_THROTTLE_RATE = "10000/m"


@pytest.fixture
def api(db) -> APIClient:
    """A client whose user may do everything (a superuser, as the admin's first user is)."""
    return client_for(UserFactory(username="dj"))


@pytest.fixture
def viewer(db) -> APIClient:
    """A client whose user has every view permission and nothing else."""
    user = UserFactory(username="looker", is_superuser=False, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return client_for(user)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


def error_of(response) -> dict:
    """Return the error body, checking it has the one shape every error has."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and {"status", "code", "message"} <= set(body["error"]), body
    assert body["error"]["status"] == response.status_code and body["error"]["message"]
    assert "Traceback" not in response.content.decode()
    return body["error"]
