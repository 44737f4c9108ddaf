"""Discovery in the admin: paste or upload a tracklist, see its lines, discover, review, accept."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library import services
from library.models import DiscoveryJob, DiscoveryStatus, Tracklist
from tests.factories import LineToReviewFactory, UserFactory
from tests.services import clear_test_cache

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tracklists"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory())
    clear_test_cache()
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_pasted_tracklist_is_read_at_once_and_its_lines_shown(admin_client):
    text = "Tracklist:\n01. Trevino - Sombre Tones [Klockworks - KW 20]\n\n[00:12:34] ID - ID\njust some words\n"
    response = admin_client.post(reverse("admin:library_tracklist_add"), {
        "name": "Klockworks showcase", "dj": "Ben Klock", "date": "2017-10-22", "source_url": "mixesdb.com/w/x",
        "raw_text": text, "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    }, follow=True)
    assert "Read 3 line(s). 1 could not be read and are kept as unparsed." in messages_of(response)
    tracklist = Tracklist.objects.get()
    assert tracklist.source_url == "https://mixesdb.com/w/x"
    lines = list(tracklist.discoveries.order_by("position"))
    assert [(line.artist, line.title, line.label, line.catalog_number, line.status) for line in lines] == [
        ("Trevino", "Sombre Tones", "Klockworks", "KW 20", "pending"),
        ("", "", "", "", "unidentifiable"),
        ("", "", "", "", "unparsed"),
    ]
    assert lines[1].timestamp.total_seconds() == 754 and lines[2].raw_text == "just some words"
    page = admin_client.get(reverse("admin:library_tracklist_change", args=[tracklist.pk])).content.decode()
    assert "Sombre Tones" in page and "just some words" in page and 'id="discover"' in page


def test_an_uploaded_mixesdb_csv_becomes_one_tracklist_per_mix(admin_client):
    with open(f"{FIXTURES}/mixesdb-laceto-hawtin-cocorico-tracklists.csv", "rb") as file:
        upload = SimpleUploadedFile("hawtin.csv", file.read(), content_type="text/csv")
    response = admin_client.post(reverse("admin:library_tracklist_add"), {
        "name": "", "raw_text": "", "upload": upload, "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    }, follow=True)
    assert Tracklist.objects.count() == 2, response.context.get("errors")
    names = sorted(Tracklist.objects.values_list("name", flat=True))
    assert all("Richie Hawtin @" in name and "Cocorico" in name for name in names)
    assert any("holds another mix too" in message for message in messages_of(response))


def test_an_empty_or_binary_upload_says_what_is_wrong(admin_client):
    for name, data, expected in (
        ("mix.txt", b"", "The submitted file is empty."),
        ("mix.txt", b"\n\n   \nTracklist:\n", "holds no track lines"),
        ("mix.txt", b"\x00\x01\x02\xff" * 100, ""),
    ):
        response = admin_client.post(reverse("admin:library_tracklist_add"), {
            "name": "x", "raw_text": "", "upload": SimpleUploadedFile(name, data),
            "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
        })
        assert response.status_code == 200 and Tracklist.objects.count() == 0
        errors = response.context["adminform"].form.errors
        assert "upload" in errors, errors
        assert expected in str(errors["upload"])


def test_discover_starts_a_job_with_a_progress_bar(admin_client, settings):
    settings.METADATA_PROVIDERS = []
    tracklist = services.tracklist_create(name="Mix", raw_text="A - B\nC - D")
    response = admin_client.post(reverse("admin:library_tracklist_discover", args=[tracklist.pk]), follow=True)
    job = DiscoveryJob.objects.get()
    assert job.total == 2 and job.tracklist == tracklist
    assert any("Identifying 2 line(s) of 1 tracklist(s)" in message for message in messages_of(response))
    assert 'class="job-progress"' in response.content.decode()


def test_the_review_page_shows_the_candidates_and_accepting_one_goes_on_to_the_next(admin_client):
    first = LineToReviewFactory()
    second = LineToReviewFactory(tracklist=first.tracklist)
    page = admin_client.get(reverse("admin:library_trackdiscovery_change", args=[first.pk])).content.decode()
    assert 'id="candidates"' in page and "title 100%" in page and "5:00" in page and 'id="search-again"' in page
    response = admin_client.post(reverse("admin:library_discovery_accept", args=[first.pk, 0]))
    assert response["Location"] == reverse("admin:library_trackdiscovery_change", args=[second.pk])
    first.refresh_from_db()
    assert (first.status, first.method) == (DiscoveryStatus.IDENTIFIED, "manual")
    queue = admin_client.get(reverse("admin:library_linetoreview_changelist")).content.decode()
    assert str(second) in queue and str(first) not in queue


def test_a_viewer_sees_no_review_buttons_and_a_refusal_is_a_message(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_trackdiscovery"))
    client.force_login(viewer)
    line = LineToReviewFactory()
    page = client.get(reverse("admin:library_trackdiscovery_change", args=[line.pk])).content.decode()
    assert 'id="candidates"' in page and "Accept" not in page and 'id="search-again"' not in page
    response = client.post(reverse("admin:library_discovery_accept", args=[line.pk, 0]), follow=True)
    assert "You may look at this line but not decide it; nothing was changed." in messages_of(response)
    line.refresh_from_db()
    assert line.status == DiscoveryStatus.NEEDS_REVIEW
