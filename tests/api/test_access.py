"""Access: tokens (made by a command, revoked in the admin, never shown again), the session for the docs page,
model permissions on every endpoint (a viewer reads and is refused every write), 401 for nobody, 429 past the rate."""

from __future__ import annotations

import io
import logging
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from tests.api.conftest import client_for, error_of
from tests.factories import (
    DownloadFactory,
    LibraryTrackFactory,
    LineToReviewFactory,
    MetadataFetchTaskFactory,
    TrackFactory,
    TracklistFactory,
    UserFactory,
    WantListFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db) -> dict:
    track = TrackFactory()
    entry = LibraryTrackFactory()
    want = WantListFactory(library_track=entry)
    return {
        "track": track, "entry": entry, "want": want, "tracklist": TracklistFactory(), "line": LineToReviewFactory(),
        "download": DownloadFactory(track=track), "job": MetadataFetchTaskFactory(),
    }


def reads(r) -> list[str]:
    return [
        "/api/v1/tracks/", f"/api/v1/tracks/{r['track'].pk}/", "/api/v1/tracklists/",
        f"/api/v1/tracklists/{r['tracklist'].pk}/", "/api/v1/library/tracks/",
        f"/api/v1/library/tracks/{r['entry'].pk}/",
        f"/api/v1/library/tracks/{r['entry'].pk}/purchase-links/", "/api/v1/review-queue/",
        "/api/v1/discovery/statistics/", "/api/v1/discovery/trends/", f"/api/v1/discovery/sources/{r['tracklist'].pk}/",
        "/api/v1/want-list/", f"/api/v1/want-list/{r['want'].pk}/", "/api/v1/want-list/export/?format=json",
        "/api/v1/library/export/?format=csv", "/api/v1/jobs/", f"/api/v1/jobs/{r['job'].pk}/", "/api/v1/downloads/",
        f"/api/v1/downloads/{r['download'].pk}/",
    ]


def writes(r) -> list[tuple[str, str, dict]]:
    return [
        ("patch", f"/api/v1/tracks/{r['track'].pk}/metadata/", {"title": "New"}),
        ("post", f"/api/v1/tracks/{r['track'].pk}/enrich/", {}),
        ("post", f"/api/v1/tracks/{r['track'].pk}/download/?quality=good", {}),
        ("post", "/api/v1/tracks/import/spotify/", {"spotify_ids": ["3n3Ppam7vgaVa1iaRUc9Lp"]}),
        ("post", "/api/v1/tracklists/", {"name": "Mix", "text": "A - B"}),
        ("post", f"/api/v1/tracklists/{r['tracklist'].pk}/discover-tracks/", {"process_all": True}),
        ("post", f"/api/v1/library/tracks/{r['entry'].pk}/identify/", {}),
        ("post", f"/api/v1/library/tracks/{r['entry'].pk}/refresh-purchase-links/", {}),
        ("post", f"/api/v1/review-queue/{r['line'].pk}/accept/", {"candidate": 0}),
        ("post", f"/api/v1/review-queue/{r['line'].pk}/unidentifiable/", {}),
        ("post", f"/api/v1/review-queue/{r['line'].pk}/search/", {"artist": "A", "title": "B"}),
        ("post", "/api/v1/want-list/", {"track_id": str(r["track"].pk)}),
        ("put", f"/api/v1/want-list/{r['want'].pk}/", {"priority": 1}),
        ("patch", f"/api/v1/want-list/{r['want'].pk}/", {"priority": 1}),
        ("delete", f"/api/v1/want-list/{r['want'].pk}/", {}),
        ("post", f"/api/v1/jobs/{r['job'].pk}/cancel/", {}),
        ("post", f"/api/v1/jobs/{r['job'].pk}/retry-failed/", {}),
        ("post", f"/api/v1/downloads/{r['download'].pk}/input/", {"query": "x"}),
        ("post", f"/api/v1/downloads/{r['download'].pk}/cancel/", {}),
    ]


def test_nobody_is_refused_everywhere_with_401_in_words(anonymous, rows):
    for url in reads(rows):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert "Bearer" in error_of(response)["message"] and response["WWW-Authenticate"].startswith("Bearer")
    for method, url, body in writes(rows):
        response = getattr(anonymous, method)(url, body, format="json")
        assert response.status_code == 401, url
        error_of(response)


def test_a_viewer_reads_everything_and_is_refused_every_write_with_403(viewer, rows):
    for url in reads(rows):
        response = viewer.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    for method, url, body in writes(rows):
        response = getattr(viewer, method)(url, body, format="json")
        assert response.status_code == 403, (url, response.content[:300])
        message = error_of(response)["message"]
        assert "permission" in message and "Ask an administrator" in message or "change it" in message, message
    assert rows["want"].__class__.objects.filter(pk=rows["want"].pk).exists()  # nothing was deleted


def test_a_user_without_any_permission_reads_nothing(db, rows):
    stranger = client_for(UserFactory(username="stranger", is_superuser=False, is_staff=False))
    response = stranger.get("/api/v1/tracks/")
    assert response.status_code == 403 and "“tracks.view_track”" in error_of(response)["message"]
    assert stranger.get("/api/v1/jobs/").status_code == 403


def test_the_token_command_prints_the_token_last_and_only_its_digest_is_kept(db):
    UserFactory(username="dj")
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "dj", "--name", "phone", stdout=out, stderr=err)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("cdg_") and len(token) > 40
    row = ApiToken.objects.get()
    assert row.name == "phone" and token not in (row.digest, row.prefix) and row.prefix == token[:12]
    assert token not in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/tracks/").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    with pytest.raises(Exception, match="no user called “nobody”"):
        call_command("api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_revoked_or_unknown_token_is_refused_and_never_echoed(api, admin_client, caplog):
    row = ApiToken.objects.get(user=api.user)
    response = admin_client.post(reverse("admin:api_apitoken_changelist"),
                                 {"action": "revoke", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    page = admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert api.token not in page and f"{row.prefix}…" in page
    with caplog.at_level(logging.INFO):
        refused = api.get("/api/v1/tracks/")
    assert refused.status_code == 401 and "revoked" in error_of(refused)["message"]
    assert api.token not in refused.content.decode() and api.token not in caplog.text
    unknown = APIClient()
    unknown.credentials(HTTP_AUTHORIZATION="Bearer cdg_not-a-token-at-all-0123456789")
    response = unknown.get("/api/v1/tracks/")
    assert response.status_code == 401 and "not-a-token" not in response.content.decode()
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert bad.get("/api/v1/tracks/").status_code == 401


def test_the_session_of_a_logged_in_admin_reaches_the_docs_page_and_its_files_are_served_here(admin_client):
    page = admin_client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    schema = admin_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "openapi" in schema.content.decode()[:200]
    anonymous = APIClient().get("/api/v1/docs/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))
    assert APIClient().get("/api/v1/schema/").status_code == 401


def test_past_the_rate_a_user_is_answered_429_with_retry_after(api, settings):
    settings.API_THROTTLE_RATE = "2/m"
    from django.core.cache import cache

    cache.clear()
    codes = [api.get("/api/v1/tracks/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = api.get("/api/v1/tracks/")
    assert int(response["Retry-After"]) > 0 and "wait" in error_of(response)["message"]
    cache.clear()


def test_an_unknown_address_or_id_is_a_json_404(api):
    for url in ("/api/v1/nothing/", "/api/v2/tracks/", f"/api/v1/tracks/{uuid.uuid4()}/", "/api/v1/tracks/not-a-uuid/"):
        response = api.get(url)
        assert response.status_code == 404, url
        error_of(response)


def test_a_method_an_endpoint_does_not_have_is_a_405_in_json(api, rows):
    response = api.delete(f"/api/v1/tracks/{rows['track'].pk}/")
    assert response.status_code == 405 and "DELETE" in error_of(response)["message"]
    assert api.options("/api/v1/tracks/").status_code == 200
