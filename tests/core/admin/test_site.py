"""The admin site: the menu by what a person does, the sidebar's counts, the status page, the theme on every page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import messages_of


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.django_db
def test_status_page_shows_where_things_live(superuser_client, settings):
    response = superuser_client.get(reverse("admin:system_status"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Task broker" in page and "Send a test job" in page


@pytest.mark.django_db
def test_status_page_lists_providers_and_why_one_is_disabled(superuser_client, settings):
    settings.SPOTIFY_CLIENT_ID = ""
    page = superuser_client.get(reverse("admin:system_status")).content.decode()
    # Capabilities in words, not ids.
    assert "MusicBrainz" in page and "lookup by ISRC, track metadata, search" in page and "isrc_lookup" not in page
    assert "not set up" in page and "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set" in page


@pytest.mark.django_db
def test_test_job_with_broker_down_says_so(superuser_client, broker_down):
    response = superuser_client.post(reverse("admin:system_ping"), follow=True)
    messages = messages_of(response)
    assert len(messages) == 1
    assert "task broker at redis://127.0.0.1:1/0 is unreachable" in messages[0]
    assert "nothing was started" in messages[0]


@pytest.mark.django_db
def test_the_menu_is_grouped_by_what_a_person_does_with_no_add_for_machine_rows(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    sections = {app["name"]: [str(model["name"]) for model in app["models"]] for app in response.context["app_list"]}
    assert list(sections) == ["Catalogue", "Discovery", "Want list", "Crates", "Downloads", "Jobs", "System"]
    assert sections["Catalogue"] == ["Tracks"]
    assert sections["Crates"] == ["Crates", "Duplicates"]
    assert sections["Jobs"] == [
        "All jobs", "Metadata fetch tasks", "Discovery jobs", "Purchase links jobs", "Download jobs", "Tag write jobs",
        "Scan jobs", "DJ software exports", "Rekordbox imports", "File move jobs", "Fingerprint jobs",
    ]
    assert sections["System"][0] == "System status and workers"
    assert ("Users" in sections["System"] and "Periodic tasks" in sections["System"]
            and "Task results" in sections["System"])
    assert not {"Clocked", "Solar events", "Group results"} & set(sections["System"])
    page = response.content.decode()
    assert reverse("admin:django_celery_results_taskresult_add") not in page


@pytest.mark.django_db
def test_a_staff_user_without_permissions_is_told_so_plainly(client):
    client.force_login(UserFactory(username="nobody", is_superuser=False))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200 and response.context["app_list"] == []


@pytest.mark.django_db
def test_rows_only_machines_write_cannot_be_added_by_hand(superuser_client):
    from django_celery_results.models import TaskResult
    from unfold.admin import ModelAdmin

    # Every page wears the theme, Django's and the libraries' included.
    assert all(isinstance(model_admin, ModelAdmin) for model_admin in admin.site._registry.values())
    assert superuser_client.get(reverse("admin:django_celery_results_taskresult_add")).status_code == 403
    page = superuser_client.get(reverse("admin:django_celery_results_taskresult_changelist")).content.decode()
    assert reverse("admin:django_celery_results_taskresult_add") not in page
    assert TaskResult._meta.verbose_name


@pytest.mark.django_db
def test_the_sidebar_shows_how_many_lines_wait_for_review(superuser_client):
    from tests.factories import LineToReviewFactory

    page = superuser_client.get(reverse("admin:index")).content.decode()
    assert 'href="/admin/library/linetoreview/"' in page
    LineToReviewFactory.create_batch(3)
    page = superuser_client.get(reverse("admin:index")).content.decode()
    review = page[page.index('href="/admin/library/linetoreview/"'):]
    review = review[:review.index("</a>")]
    assert ">3<" in review.replace(" ", "").replace("\n", "")
