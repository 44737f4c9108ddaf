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
    assert "Read 3 lines. 1 line could not be read and is kept as unparsed." in messages_of(response)
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


def _change(admin_client, tracklist, raw_text):
    data = {"name": tracklist.name, "dj": tracklist.dj, "date": "", "source_url": "", "raw_text": raw_text,
            "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0"}
    return admin_client.post(reverse("admin:library_tracklist_change", args=[tracklist.pk]), data, follow=True)


def test_editing_a_tracklist_keeps_every_unchanged_line_and_a_persons_choices(admin_client):
    text = "01. Trevino - Sombre Tones\n02. Ben Klock - Subzero\n03. Oscar Mulero - Horses\n04. DVS1 - Pressure\n"
    tracklist = services.tracklist_create(name="Mix", raw_text=text)
    sombre, subzero, horses, pressure = tracklist.discoveries.order_by("position")
    # A person accepted a candidate for one line and refused another.
    LineToReviewFactory._meta.model.objects.filter(pk=subzero.pk).update(
        status=DiscoveryStatus.NEEDS_REVIEW, candidates=LineToReviewFactory.build().candidates,
    )
    subzero.refresh_from_db()
    accepted = services.discovery_accept(discovery=subzero, index=0)
    services.discovery_mark_unidentifiable(discovery=horses)
    # One line inserted at the top (renumbering the rest), one removed, one changed.
    edited = ("01. Surgeon - Klonk\n02. Trevino - Sombre Tones\n03. Ben Klock - Subzero\n04. Oscar Mulero - Horses\n"
              "05. DVS1 - Pressure (Planetary Assault Systems Remix)\n")
    response = _change(admin_client, tracklist, edited)
    assert "2 lines added, 1 line removed and 3 lines kept with their identification." in messages_of(response)
    lines = {line.raw_text: line for line in tracklist.discoveries.all()}
    assert [line.position for line in sorted(lines.values(), key=lambda line: line.position)] == [1, 2, 3, 4, 5]
    kept = lines["03. Ben Klock - Subzero"]
    assert (kept.pk, kept.status, kept.method, kept.library_track) == (subzero.pk, "identified", "manual", accepted)
    refused = lines["04. Oscar Mulero - Horses"]
    assert (refused.pk, refused.status) == (horses.pk, DiscoveryStatus.UNIDENTIFIABLE)
    assert lines["02. Trevino - Sombre Tones"].pk == sombre.pk
    assert lines["01. Surgeon - Klonk"].status == lines["05. DVS1 - Pressure (Planetary Assault Systems Remix)"].status == "pending"
    assert not tracklist.discoveries.filter(pk=pressure.pk).exists()
    accepted.refresh_from_db()
    assert accepted.discovery_count == 1


def test_removing_the_only_sighting_of_a_track_recounts_it(admin_client):
    tracklist = services.tracklist_create(name="Mix", raw_text="A - B\nC - D")
    line = tracklist.discoveries.get(title="B")
    line.status = DiscoveryStatus.NEEDS_REVIEW
    line.candidates = LineToReviewFactory.build().candidates
    line.save()
    accepted = services.discovery_accept(discovery=line, index=0)
    accepted.refresh_from_db()
    assert accepted.discovery_count == 1
    response = _change(admin_client, tracklist, "C - D")
    assert "1 line removed and 1 line kept with its identification." in messages_of(response)
    accepted.refresh_from_db()
    assert accepted.discovery_count == 0
