"""Discovery in the admin: paste or upload a tracklist, see its lines, discover, review, accept."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.entries import library_tracks_merge_survivor
from library.models import DiscoveryJob, DiscoveryStatus, LibraryTrack, Tracklist
from library.review import discovery_accept, discovery_mark_unidentifiable
from library.tracklists import TRACKLIST_MAX_BYTES, tracklist_create, tracklists_import
from tests.factories import LibraryTrackFactory, LineToReviewFactory, UserFactory
from tests.pages import messages_of
from tests.services import clear_test_cache

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tracklists"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory())
    clear_test_cache()
    return client


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


def test_an_uploads_mixes_are_made_as_an_import_of_the_file_makes_them(admin_client):
    data = Path(FIXTURES, "mixesdb-laceto-hawtin-cocorico-tracklists.csv").read_bytes()
    admin_client.post(reverse("admin:library_tracklist_add"), {
        "name": "", "dj": "Richie Hawtin", "raw_text": "", "upload": SimpleUploadedFile("hawtin.csv", data),
        "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    }, follow=True)

    def facts(tracklists):
        return sorted((each.name, each.dj, each.date, each.source_url, each.discoveries.count()) for each in tracklists)

    made = facts(Tracklist.objects.all())
    Tracklist.objects.all().delete()
    assert len(made) == 2 and all(dj == "Richie Hawtin" and lines for _, dj, _, _, lines in made)
    assert made == facts(tracklists_import(filename="hawtin.csv", data=data, dj="Richie Hawtin"))


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
    tracklist = tracklist_create(name="Mix", raw_text="A - B\nC - D")
    response = admin_client.post(reverse("admin:library_tracklist_discover", args=[tracklist.pk]), follow=True)
    job = DiscoveryJob.objects.get()
    assert job.total == 2 and job.tracklist == tracklist
    assert any("Identifying 2 lines of 1 tracklist" in message for message in messages_of(response))
    assert 'class="job-progress"' in response.content.decode()


def test_discover_pressed_again_while_the_job_runs_answers_that_job(admin_client, settings):
    settings.METADATA_PROVIDERS = []
    tracklist = tracklist_create(name="Mix", raw_text="A - B\nC - D")
    url = reverse("admin:library_tracklist_discover", args=[tracklist.pk])
    admin_client.post(url)
    again = admin_client.post(url, follow=True)
    job = DiscoveryJob.objects.get()  # not a second job identifying the same lines
    assert again.redirect_chain[-1][0] == reverse("admin:library_discoveryjob_change", args=[job.pk])
    assert any(message.startswith("Its lines are being identified already:") for message in messages_of(again))
    # Bypassing the cache is another question: it gets a job of its own.
    admin_client.post(reverse("admin:library_tracklist_changelist"),
                      {"action": "discover_tracks_again", "_selected_action": [str(tracklist.pk)]})
    assert DiscoveryJob.objects.count() == 2


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
    tracklist = tracklist_create(name="Mix", raw_text=text)
    sombre, subzero, horses, pressure = tracklist.discoveries.order_by("position")
    # A person accepted a candidate for one line and refused another.
    LineToReviewFactory._meta.model.objects.filter(pk=subzero.pk).update(
        status=DiscoveryStatus.NEEDS_REVIEW, candidates=LineToReviewFactory.build().candidates,
    )
    subzero.refresh_from_db()
    accepted = discovery_accept(discovery=subzero, index=0)
    discovery_mark_unidentifiable(discovery=horses)
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
    assert (lines["01. Surgeon - Klonk"].status
            == lines["05. DVS1 - Pressure (Planetary Assault Systems Remix)"].status == "pending")
    assert not tracklist.discoveries.filter(pk=pressure.pk).exists()
    accepted.refresh_from_db()
    assert accepted.discovery_count == 1


def test_removing_the_only_sighting_of_a_track_recounts_it(admin_client):
    tracklist = tracklist_create(name="Mix", raw_text="A - B\nC - D")
    line = tracklist.discoveries.get(title="B")
    line.status = DiscoveryStatus.NEEDS_REVIEW
    line.candidates = LineToReviewFactory.build().candidates
    line.save()
    accepted = discovery_accept(discovery=line, index=0)
    accepted.refresh_from_db()
    assert accepted.discovery_count == 1
    response = _change(admin_client, tracklist, "C - D")
    assert "1 line removed and 1 line kept with its identification." in messages_of(response)
    accepted.refresh_from_db()
    assert accepted.discovery_count == 0


def _listing(external_id, **fields):
    return {"source": "musicbrainz", "external_id": external_id, "title": "Everywhere", "artists": ["Fleetwood Mac"],
            "version": "", "label": "", "duration": 227, "score": 1.0, "reasons": ["title 100%"], "comment": "",
            "release_types": [], "release_count": 1, "album_date": "", "country": "", **fields}


def test_each_candidate_shows_what_tells_two_listings_apart(admin_client):
    line = LineToReviewFactory(
        raw_text="Fleetwood Mac - Everywhere", artist="Fleetwood Mac", title="Everywhere", confidence=1.0,
        reason="two different recordings score alike (100% and 100%): 3:47 and 4:02",
        candidates=[
            _listing("a", album="Tango in the Night", album_date="1987-04-13", country="GB", label="Warner Bros."),
            _listing("b", album="The Dance", album_date="1997-08-19", country="US", duration=242,
                     comment="live, 1997-05-23: Warner Bros. Studios, Burbank"),
        ],
    )
    page = admin_client.get(reverse("admin:library_trackdiscovery_change", args=[line.pk])).content.decode()
    for shown in ("Tango in the Night", "1987", "GB", "Warner Bros.", "3:47", "The Dance", "1997", "US", "4:02",
                  "live, 1997-05-23: Warner Bros. Studios, Burbank", "MusicBrainz"):
        assert shown in page, shown
    # The status and the confidence agree: a review shows the best candidate's score and why it is not sure.
    assert "Needs review</strong> · best candidate 100%: two different recordings score alike" in page
    assert 'id="review-keys"' in page and "marks the line unidentifiable" in page


def test_the_review_page_steps_through_the_queue_in_order(admin_client):
    first = LineToReviewFactory(position=1)
    settled = LineToReviewFactory(tracklist=first.tracklist, position=2, status=DiscoveryStatus.IDENTIFIED)
    second = LineToReviewFactory(tracklist=first.tracklist, position=3)
    later = LineToReviewFactory(position=1)  # another, later tracklist
    page = admin_client.get(reverse("admin:library_trackdiscovery_change", args=[second.pk])).content.decode()
    assert f'id="previous-line" href="{reverse("admin:library_trackdiscovery_change", args=[first.pk])}"' in page
    assert f'id="next-line" href="{reverse("admin:library_trackdiscovery_change", args=[later.pk])}"' in page
    assert "3 lines wait for review." in page
    response = admin_client.post(reverse("admin:library_discovery_unidentifiable", args=[second.pk]))
    assert response["Location"] == reverse("admin:library_trackdiscovery_change", args=[later.pk])
    assert settled.pk not in {first.pk, later.pk}


def test_the_queue_accepts_in_bulk_only_where_listings_of_one_recording_compete(admin_client):
    twins = LineToReviewFactory(
        raw_text="Fleetwood Mac - Everywhere", artist="Fleetwood Mac", title="Everywhere", confidence=1.0,
        candidates=[_listing("compilation", album_date="2002-10-14", release_count=3),
                    _listing("original", album_date="1987-04-13", release_count=9)],
    )
    rivals = LineToReviewFactory(
        raw_text="Fleetwood Mac - Everywhere", artist="Fleetwood Mac", title="Everywhere", confidence=1.0,
        candidates=[_listing("studio"), _listing("another take", duration=301)],
    )
    old = LineToReviewFactory(
        raw_text="Fleetwood Mac - Everywhere", artist="Fleetwood Mac", title="Everywhere", confidence=1.0,
        candidates=[{k: v for k, v in _listing(n).items() if k != "comment"} for n in ("x", "y")],
    )
    response = admin_client.post(reverse("admin:library_linetoreview_changelist"), {
        "action": "accept_duplicates", "_selected_action": [str(twins.pk), str(rivals.pk), str(old.pk)],
    }, follow=True)
    said = messages_of(response)
    assert "Accepted 1 line: no other recording or version came close to its best candidate." in said
    assert "Left 1 line for you: different recordings or versions compete." in said
    assert any(message.startswith("Left 1 line for you: its candidates were found before") for message in said)
    twins.refresh_from_db(), rivals.refresh_from_db(), old.refresh_from_db()
    assert (twins.status == DiscoveryStatus.IDENTIFIED
            and twins.library_track.track.musicbrainz_recording_id == "original")
    assert "earliest official album (1987)" in twins.reason
    assert rivals.status == old.status == DiscoveryStatus.NEEDS_REVIEW


def test_a_paste_over_the_limit_gets_a_message_on_the_form_whatever_its_size(admin_client, settings):
    line = "01. Artist - A Title That Goes On (Somebody's Extended Remix) [Label - CAT 001]\n"
    for size in (TRACKLIST_MAX_BYTES + 1024, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024):
        text = line * (size // len(line) + 1)
        response = admin_client.post(reverse("admin:library_tracklist_add"), {
            "name": "Archive", "raw_text": text, "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
        }, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "A tracklist is at most 5 MB" in page or "larger than 5 MB, the most a tracklist may be" in page
        assert 'id="id_raw_text"' in page  # the form, to try again
    assert Tracklist.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_discovery_with_the_broker_down_says_so_once(admin_client, broker_down):
    tracklist = tracklist_create(name="Mix", raw_text="A - B")
    response = admin_client.post(reverse("admin:library_tracklist_discover", args=[tracklist.pk]), follow=True)
    [said] = messages_of(response)
    assert said.count("Could not queue the job") == 1 and "is unreachable (" in said
    assert "Could not queue" not in said.split("is unreachable (", 1)[1]


def test_a_long_tracklists_lines_are_paged_and_filtered_by_status(admin_client):
    text = "\n".join(f"{n:03d}. Artist {n} - Title {n}" for n in range(1, 251)) + "\n251. ID - ID"
    tracklist = tracklist_create(name="Marathon", raw_text=text)
    url = reverse("admin:library_tracklist_change", args=[tracklist.pk])
    first = admin_client.get(url).content.decode()
    assert first.count('<tr class="line">') == 100 and "Lines 1–100 of 251" in first
    assert "251 lines:" in first and "250 pending" in first and "1 unidentifiable" in first
    last = admin_client.get(url, {"lines": 3}).content.decode()
    assert last.count('<tr class="line">') == 51 and "Title 250" in last and "Title 1<" not in last
    only = admin_client.get(url, {"status": "unidentifiable"}).content.decode()
    assert only.count('<tr class="line">') == 1 and "251. ID - ID" in only and "show all" in only


def test_a_paste_with_no_track_line_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("admin:library_tracklist_add"), {
        "name": "Nothing", "raw_text": "Tracklist:\n\n-----\n2017-10-22\n",
        "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and Tracklist.objects.count() == 0
    assert "No line of this text reads as a track" in str(response.context["adminform"].form.errors["raw_text"])


def test_the_mixs_own_title_line_names_the_tracklist_when_the_form_does_not(admin_client):
    text = "Ben Klock @ Berghain - Klubnacht 2017-10-22\nTracklist:\n01. Trevino - Sombre Tones\n02. DVS1 - Pressure\n"
    admin_client.post(reverse("admin:library_tracklist_add"), {
        "name": "", "raw_text": text, "discoveries-TOTAL_FORMS": "0", "discoveries-INITIAL_FORMS": "0",
    }, follow=True)
    tracklist = Tracklist.objects.get()
    assert tracklist.discoveries.count() == 2
    assert tracklist.name and "Klubnacht" in tracklist.name and tracklist.dj == "Ben Klock"


def test_merging_duplicates_keeps_the_most_discovered_then_the_first_added(admin_client):
    first, most, later = (LibraryTrackFactory(discovery_count=count) for count in (2, 5, 2))
    LibraryTrack.objects.filter(pk=later.pk).update(added_at=first.added_at + datetime.timedelta(minutes=1))
    later.refresh_from_db()
    # The rule is the library's (library.entries.library_tracks_merge_survivor); the action asks it, whatever the
    # list's order.
    assert library_tracks_merge_survivor([later, first, most]) == most
    assert library_tracks_merge_survivor([later, first]) == first
    response = admin_client.post(reverse("admin:library_librarytrack_changelist"), {
        "action": "merge_duplicates", "_selected_action": [str(later.pk), str(first.pk), str(most.pk)],
    }, follow=True)
    assert list(LibraryTrack.objects.values_list("pk", flat=True)) == [most.pk]
    assert (f"Merged 2 duplicates into “{most}”: their sightings and want-list entries moved to it."
            in messages_of(response))
