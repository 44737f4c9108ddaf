"""Every admin page answers, and a changelist costs the same queries for 1 row or 50."""

import json

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import FACTORIES, UserFactory

OUR_APPS = {"tracks", "library", "wantlist", "downloads", "audio"}
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory())
    return client


def test_every_domain_model_is_registered():
    assert {model.__name__ for model in OUR_MODELS} == {
        "Track", "MetadataFetchTask", "Download", "Tracklist", "TrackDiscovery",
        "LibraryTrack", "DiscoveryStatistics", "WantList", "LineToReview", "DiscoveryJob", "PurchaseLinksJob",
        "DownloadJob", "TagWriteJob", "ScanJob",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_answer(superuser_client, model):
    row = FACTORIES[model]()
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    # A line of the review queue opens on the line's own page, its candidates side by side.
    response = superuser_client.get(admin_url(model, "change", row.pk), follow=True)
    assert response.status_code == 200
    assert str(row) in response.content.decode()
    add = superuser_client.get(admin_url(model, "add"))
    # Machine-written rows (jobs, statistics) have no add page on purpose.
    assert add.status_code == (200 if admin.site._registry[model].has_add_permission(add.wsgi_request) else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda model: model.__name__)
def test_changelist_query_count_does_not_grow_with_rows(superuser_client, model):
    factory = FACTORIES[model]
    factory()
    superuser_client.get(admin_url(model, "changelist"))  # warm the session and content types
    with CaptureQueriesContext(connection) as one_row:
        assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    factory.create_batch(49)
    with CaptureQueriesContext(connection) as fifty_rows:
        response = superuser_client.get(admin_url(model, "changelist"))
    assert response.context["cl"].result_count == 50
    assert len(fifty_rows) == len(one_row), [q["sql"] for q in fifty_rows.captured_queries]


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("admin:tracks_track_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_dashboard_shows_counts_running_jobs_failures_providers_and_charts(superuser_client, settings):
    from django.core.cache import cache

    from tests.factories import TrackFactory
    from tracks.models import MetadataFetchTask

    cache.delete("dashboard:chart:tracks-by-genre")
    TrackFactory.create_batch(3, genre="Techno")
    TrackFactory(genre="House")
    running = MetadataFetchTask.objects.create(total=4, processed=1, succeeded=1, status="running")
    MetadataFetchTask.objects.create(total=1, processed=1, failed=1, status="completed", last_error="soundcharts: 500")
    cache.set("providers:last_error:deezer", {"message": "deezer: GET /track/1: 503", "at": "2026-11-21T10:00:00"}, 60)
    response = superuser_client.get(reverse("admin:index"))
    page = response.content.decode()
    assert {"label": "Tracks", "value": 4,
            "url": reverse("admin:tracks_track_changelist")} in response.context["counts"]
    assert 'crate-count-value">4</span><span class="crate-count-label">Tracks' in page
    assert f'data-job="tracks.metadatafetchtask:{running.pk}"' in page and "1 of 4 (25%)" in page
    assert "Latest failures" in page and "soundcharts: 500" in page
    assert "2026-11-21T10:00: deezer: GET /track/1: 503" in page
    # The theme's bar chart (its own Chart.js, served by the app), with the bars as data.
    chart = next(chart for chart in response.context["charts"] if chart["title"] == "Tracks by genre")
    assert json.loads(chart["data"])["labels"] == ["Techno", "House"]
    assert json.loads(chart["data"])["datasets"][0]["data"] == [3, 1]
    assert 'class="chart"' in page and "/static/unfold/js/chart/chart.js" in page
    assert "cdn" not in page.lower() and "googleapis" not in page


@pytest.mark.django_db
def test_the_dashboard_shows_a_staff_user_only_what_they_may_view(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="viewer", is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Tracks" in page and "Downloads" not in page and "Providers" not in page and "Running jobs" not in page


@pytest.mark.django_db
def test_logging_in_from_the_login_page_lands_on_the_dashboard(client):
    UserFactory(password="correct horse battery staple")
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_the_want_list_reads_as_words(superuser_client):
    page = superuser_client.get(reverse("admin:wantlist_wantlist_changelist")).content.decode()
    assert "Wanted tracks" in page and "Want list" in page
    form = superuser_client.get(reverse("admin:wantlist_wantlist_add")).content.decode()
    assert "{store, url" not in form
