"""The catalogue's admin: buttons, actions and pages say what happened."""

import pytest
from django.urls import reverse

from tests.factories import TrackFactory, UserFactory
from tests.pages import messages_of
from tests.replay import fixture_json
from tests.tracks.conftest import (
    ALESSIA_CARA,
    ARTIST_SONGS,
    SOUNDCHARTS_SONG,
    SOUNDCHARTS_UUID,
    SPOTIFY_SEARCH,
    serve_spotify_token,
)
from tracks import services
from tracks.models import MetadataFetchTask, Track


def bad_guy(**fields):
    return TrackFactory(**{"title": "bad guy", "credit_name": "Billie Eilish", "artists": ["Billie Eilish"], **fields})

pytestmark = pytest.mark.django_db


def test_fetch_now_shows_which_fields_changed(admin_client, replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = bad_guy(label="", genre="", soundcharts_uuid=SOUNDCHARTS_UUID)
    response = admin_client.post(reverse("admin:tracks_track_fetch_now", args=[track.pk]), follow=True)
    [message] = messages_of(response)
    assert message.startswith("Fetched from soundcharts. Changed: ")
    assert "label" in message and "bpm" in message
    page = response.content.decode()
    # The Sources tab: each field with its provider and when it was given.
    assert "Where each field came from" in page and 'id="field-sources"' in page
    assert "<td>Label</td><td>Soundcharts</td>" in page
    # Nothing new the second time.
    response = admin_client.post(reverse("admin:tracks_track_fetch_now", args=[track.pk]), follow=True)
    assert messages_of(response) == ["Fetched from soundcharts. Nothing changed."]


def test_fetch_now_when_the_provider_is_unreachable(admin_client, settings, credentials):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    settings.SOUNDCHARTS_API_URL = "http://127.0.0.1:1"
    settings.PROVIDER_BACKOFF_SECONDS = 0.01
    track = TrackFactory(soundcharts_uuid=SOUNDCHARTS_UUID)
    response = admin_client.post(reverse("admin:tracks_track_fetch_now", args=[track.pk]), follow=True)
    [message] = messages_of(response)
    assert message.startswith(f"No metadata for “{track}”: soundcharts: "
                              f"GET /api/v2.25/song/{{uuid}}: could not connect")


def test_an_edit_in_the_admin_is_kept_by_later_fetches(admin_client, replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = bad_guy(soundcharts_uuid=SOUNDCHARTS_UUID)
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    url = reverse("admin:tracks_track_change", args=[track.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"label": "Darkroom", "artists": "Billie Eilish", "downloads-TOTAL_FORMS": 0,
                 "downloads-INITIAL_FORMS": 0})
    data = {key: value for key, value in data.items() if key not in {"id", "metadata_sources", "audience"}}
    assert admin_client.post(url, data).status_code == 302
    services.track_metadata_fetch(track=track, force_refresh=True)
    track.refresh_from_db()
    assert track.label == "Darkroom" and track.metadata_sources["label"]["source"] == "manual"
    # Fields the person left alone are not marked manual: later fetches may still correct them.
    assert track.metadata_sources["artists"]["source"] == "soundcharts" and track.artists == ["Billie Eilish"]


def test_a_rating_is_chosen_as_stars_on_the_tracks_page(admin_client):
    track = TrackFactory()
    url = reverse("admin:tracks_track_change", args=[track.pk])
    page = admin_client.get(url)
    assert "★★★★★" in page.content.decode() and "Not rated" in page.content.decode()
    data = {name: ("" if value is None else value) for name, value in page.context["adminform"].form.initial.items()}
    data = {key: value for key, value in data.items() if key not in {"id", "metadata_sources", "audience"}}
    data.update({"rating": "3", "artists": "\n".join(track.artists), "remixers": "",
                 "downloads-TOTAL_FORMS": 0, "downloads-INITIAL_FORMS": 0})
    assert admin_client.post(url, data).status_code == 302
    track.refresh_from_db()
    assert track.rating == 3


def test_bulk_action_starts_one_job_and_links_to_it(admin_client, django_capture_on_commit_callbacks):
    tracks = TrackFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:tracks_track_changelist"),
            {"action": "create_bulk_fetch_task", "_selected_action": [t.pk for t in tracks]},
        )
    job = MetadataFetchTask.objects.get()
    url = reverse("admin:tracks_metadatafetchtask_change", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == url
    assert job.total == 3 and job.status == "pending" and job.started_by == "admin"
    response = admin_client.get(url)
    [message] = messages_of(response)
    assert message.startswith("Started 1 job over 3 tracks: ") and f'href="{url}"' in message
    page = response.content.decode()
    assert 'class="job-progress"' in page and "0 of 3 (0%)" in page and "Queued" in page
    assert 'class="job-cancel"' in page  # a queued job can be cancelled from its own page
    assert ">Delete<" not in page  # an unfinished job is cancelled, not deleted


def test_a_large_selection_becomes_several_jobs(admin_client, settings, django_capture_on_commit_callbacks):
    settings.BULK_CHUNK = 2
    tracks = TrackFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse("admin:tracks_track_changelist"),
            {"action": "create_bulk_fetch_task", "_selected_action": [t.pk for t in tracks]}, follow=True,
        )
    assert sorted(MetadataFetchTask.objects.values_list("total", flat=True)) == [1, 2, 2]
    assert messages_of(response)[0].startswith("Started 3 jobs over 5 tracks: ")


def test_fetch_in_the_background_from_the_track_page_is_a_job_of_one(admin_client, django_capture_on_commit_callbacks):
    track = TrackFactory()
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(reverse("admin:tracks_track_fetch_background", args=[track.pk]))
    job = MetadataFetchTask.objects.get()
    assert (job.kind, job.total, list(job.tracks.all())) == ("metadata", 1, [track])
    assert response["Location"] == reverse("admin:tracks_metadatafetchtask_change", args=[job.pk])


@pytest.mark.django_db(transaction=True)
def test_bulk_action_with_the_broker_down_says_so_and_leaves_nothing_pending(admin_client, broker_down):
    tracks = TrackFactory.create_batch(2)
    response = admin_client.post(
        reverse("admin:tracks_track_changelist"),
        {"action": "create_bulk_fetch_task", "_selected_action": [t.pk for t in tracks]},
        follow=True,
    )
    [message] = messages_of(response)
    assert "task broker at redis://127.0.0.1:1/0 is unreachable" in message
    assert not MetadataFetchTask.objects.filter(status__in=["pending", "running", "waiting"]).exists()


def test_soundcharts_import_by_uuid_reports_created_and_skipped(
    admin_client, replay, credentials, django_capture_on_commit_callbacks
):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ARTIST_SONGS)
    url = reverse("admin:tracks_track_import_soundcharts")
    assert "A name to search Soundcharts for" in admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(url, {"artist": ALESSIA_CARA, "limit": 3, "offset": 0}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Imported 3 new tracks; skipped 0 already in the catalogue. "
                              "Their metadata is being fetched: <a href=")
    assert Track.objects.count() == 3


def test_soundcharts_import_by_name_lists_the_artists_to_pick_from(admin_client, replay, credentials):
    replay.serve("/api/v2/artist/search/billie", "soundcharts/instr-artist-search-billie.json")
    url = reverse("admin:tracks_track_import_soundcharts")
    page = admin_client.post(url, {"artist": "billie", "limit": 5, "offset": 0}).content.decode()
    items = fixture_json("soundcharts/instr-artist-search-billie.json")["items"]
    assert "Which artist?" in page and "Billie Holiday" in page
    assert f'name="artist" value="{items[2]["uuid"]}"' in page and "Import Billie Holiday's songs" in page
    assert not Track.objects.exists()


def test_soundcharts_import_of_an_unknown_name_says_so(admin_client, replay, credentials):
    replay.serve("/api/v2/artist/search/zzqx", body="", status=404)
    page = admin_client.post(reverse("admin:tracks_track_import_soundcharts"),
                             {"artist": "zzqx", "limit": 5, "offset": 0}).content.decode()
    assert "Soundcharts knows no artist called “zzqx”." in page


def test_spotify_search_lists_results_and_imports_the_chosen(
    admin_client, replay, credentials, django_capture_on_commit_callbacks
):
    serve_spotify_token(replay)
    replay.serve("/v1/search", SPOTIFY_SEARCH)
    items = fixture_json(SPOTIFY_SEARCH)["tracks"]["items"]
    url = reverse("admin:tracks_track_search_spotify")
    page = admin_client.get(url, {"query": "Muse - Supermassive Black Hole"}).content.decode()
    assert items[0]["name"] in page and items[0]["id"] in page
    search = [r for r in replay.requests() if r.path == "/v1/search"][0]
    assert "artist:" in search.args["q"] and "track:" in search.args["q"]

    replay.serve(f"/v1/tracks/{items[0]['id']}", body=__import__("json").dumps(items[0]))
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(url + "?query=Muse", {"spotify_id": [items[0]["id"]]}, follow=True)
    assert messages_of(response)[0].startswith("Imported 1 new track;")
    track = Track.objects.get(spotify_id=items[0]["id"])
    assert track.title == items[0]["name"] and track.isrc == items[0]["external_ids"]["isrc"]


def view_only_client(client):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="viewer", is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(user)
    return client


def test_a_view_only_user_sees_no_button_that_would_be_refused(client):
    client = view_only_client(client)
    track = TrackFactory()
    page = client.get(reverse("admin:tracks_track_changelist")).content.decode()
    for button in ("Import from Soundcharts", "Search Spotify", "Fetch all stale metadata"):
        assert button not in page, button
    page = client.get(reverse("admin:tracks_track_change", args=[track.pk])).content.decode()
    assert "Fetch metadata now" not in page and "Fetch in the background" not in page


def test_a_refusal_is_a_message_on_the_page_not_a_bare_403(client):
    client = view_only_client(client)
    track = TrackFactory()
    for url in (reverse("admin:tracks_track_fetch_now", args=[track.pk]), reverse("admin:tracks_track_fetch_stale")):
        response = client.post(url, follow=True)
        assert response.status_code == 200
        assert messages_of(response) == [
            "You may look at tracks but not change them, so nothing was started. "
            "Ask an administrator for the permission to change tracks."
        ]
    assert not MetadataFetchTask.objects.exists()


def test_a_disabled_providers_button_says_why_and_its_page_refuses_with_the_reason(admin_client, settings):
    settings.SPOTIFY_CLIENT_ID = settings.SPOTIFY_CLIENT_SECRET = ""
    page = admin_client.get(reverse("admin:tracks_track_changelist")).content.decode()
    assert "Search Spotify (not set up)" in page and "SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET are not set" in page
    response = admin_client.get(reverse("admin:tracks_track_search_spotify"), follow=True)
    assert messages_of(response)[0].startswith("Spotify is not set up: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET")


def test_an_empty_spotify_search_shows_only_what_to_fix(admin_client, credentials):
    page = admin_client.get(reverse("admin:tracks_track_search_spotify"), {"query": ""}).content.decode()
    assert "This field is required." in page and "Spotify found nothing" not in page


def test_an_unknown_soundcharts_artist_is_said_in_words(admin_client, replay, credentials):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", "soundcharts/instr-error-404.json", status=404)
    response = admin_client.post(reverse("admin:tracks_track_import_soundcharts"),
                                 {"artist": ALESSIA_CARA, "limit": 3, "offset": 0}, follow=True)
    [message] = messages_of(response)
    assert message == (f"Nothing was imported: Soundcharts has no artist with the UUID {ALESSIA_CARA}; "
                       "copy it from the artist's page.")
    assert "{uuid}" not in message and "GET /" not in message


def test_the_track_page_has_a_tab_for_each_side_of_the_track():
    import datetime

    from django.test import Client

    from downloads.models import Download
    from library.models import LibraryTrack, TrackDiscovery, Tracklist
    from wantlist.models import WantList

    client = Client()
    client.force_login(UserFactory())
    track = bad_guy(release_date=datetime.date(2019, 1, 1), release_date_precision="year",
                    metadata_sources={"label": {"source": "discogs", "at": "2026-11-20T10:00:00+00:00"},
                                      "title": {"source": "manual", "at": "2026-11-21T09:30:00+00:00"}},
                    file_path="/music/bad guy.flac", file_format="flac", file_bitrate=1411)
    entry = LibraryTrack.objects.create(track=track)
    mix = Tracklist.objects.create(name="Essential Mix 2019", dj="Someone")
    TrackDiscovery.objects.create(tracklist=mix, position=7, raw_text="Billie Eilish - bad guy", library_track=entry)
    WantList.objects.create(library_track=entry, priority=2)
    Download.objects.create(track=track)
    response = client.get(reverse("admin:tracks_track_change", args=[track.pk]))
    page = response.content.decode()
    for tab in ("metadata", "provider-ids", "sources", "file", "downloads", "discoveries"):
        assert f'class="tab-wrapper fieldset-{tab}"' in page, tab
    # A year stays a year, in the form as on the page.
    assert response.context["adminform"].form["release_date"].value() == "2019"
    # Where each field came from, and when; a person's edit says so.
    assert "<td>Label</td><td>Discogs</td>" in page and "<td>Title</td><td>you (edited here)</td>" in page
    assert "FLAC · 1411 kbit/s" in page
    assert "Essential Mix 2019</a>, line 7" in page and "priority 2" in page
    assert 'id="track-downloads"' in page


def test_a_year_entered_in_the_form_stays_a_year():
    import datetime

    from django.test import Client

    from tracks.forms import TrackForm

    track = bad_guy()
    data = {**TrackForm(instance=track).initial, "release_date": "2019", "artists": "Billie Eilish"}
    data = {key: ("" if value is None else value) for key, value in data.items()
            if key not in {"id", "metadata_sources", "audience"}}
    client = Client()
    client.force_login(UserFactory())
    response = client.post(reverse("admin:tracks_track_change", args=[track.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    track.refresh_from_db()
    assert (track.release_date, track.release_date_precision, track.release_date_text) == (
        datetime.date(2019, 1, 1), "year", "2019",
    )
    response = client.post(reverse("admin:tracks_track_change", args=[track.pk]), {**data, "release_date": "2019-13"})
    assert "is not a date. Write a year (2019), a month (2019-03) or a day (2019-03-29)." in response.content.decode()
