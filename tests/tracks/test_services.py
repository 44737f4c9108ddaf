"""Metadata fetches store what the recorded provider bodies say, and bulk jobs keep honest counts."""

import datetime
from decimal import Decimal

import pytest

from core import jobs
from core.queue import BrokerUnavailable
from core.selectors import job_failures
from providers.base import TrackMetadata
from tests.factories import TrackFactory
from tests.replay import FIXTURES, fixture_json
from tests.tracks.conftest import (
    ALESSIA_CARA,
    ARTIST_SONGS,
    MB_ID,
    MB_RECORDING,
    SOUNDCHARTS_SONG,
    SOUNDCHARTS_SONG_V2,
    SOUNDCHARTS_UUID,
    SPOTIFY_ID,
    SPOTIFY_TRACK,
    serve_spotify_token,
)
from tracks import metadata, services
from tracks.models import MetadataFetchTask, Track

MB_FLEETWOOD = "musicbrainz/revsrev-search-recording-artist-fleetwood-mac.xml"


def bad_guy(**fields):
    """A track that is the recording the recorded Soundcharts body describes."""
    return TrackFactory(**{"title": "bad guy", "credit_name": "Billie Eilish", "artists": ["Billie Eilish"], **fields})

pytestmark = pytest.mark.django_db


def test_fetch_by_soundcharts_uuid_stores_the_recorded_fields(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = TrackFactory(title="bad guy", credit_name="", artists=[], label="", genre="",
                         soundcharts_uuid=SOUNDCHARTS_UUID)

    outcome = services.track_metadata_fetch(track=track)

    song = fixture_json(SOUNDCHARTS_SONG)["object"]
    track.refresh_from_db()
    assert track.credit_name == song["creditName"] == "Billie Eilish"
    assert track.artists == [artist["name"] for artist in song["artists"]]
    assert track.isrc == song["isrc"]["value"]
    assert track.release_date == datetime.date(2019, 3, 29) and track.release_date_precision == "day"
    assert track.duration == song["duration"] == 194
    assert track.label == song["labels"][0]["name"] == "Interscope"
    # One spelling per genre: Soundcharts' "alternative" files under "Alternative".
    assert song["genres"][0]["root"] == "alternative" and track.genre == "Alternative"
    assert track.bpm == Decimal(str(song["audio"]["tempo"])).quantize(Decimal("0.01"))
    assert track.key == "G major"  # key 7, mode 1
    assert track.artwork_url == song["imageUrl"]
    assert track.metadata_fetched_at is not None
    assert (track.metadata_sources["bpm"]["source"] == "soundcharts"
            and track.metadata_sources["label"]["source"] == "soundcharts")
    assert {"credit_name", "isrc", "bpm", "label"} <= set(outcome.changed)


def test_the_older_soundcharts_shape_gives_its_single_label(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG_V2)
    track = bad_guy(label="", genre="", soundcharts_uuid=SOUNDCHARTS_UUID)
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.label == fixture_json(SOUNDCHARTS_SONG_V2)["object"]["label"]
    assert track.genre == ""


def test_fetch_by_spotify_id(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["spotify"]
    serve_spotify_token(replay)
    replay.serve(f"/v1/tracks/{SPOTIFY_ID}", SPOTIFY_TRACK)
    replay.serve(f"/v1/audio-features/{SPOTIFY_ID}", body='{"error": {"status": 403}}', status=403)
    # Another spelling of the same recording: the provider's spelling is taken.
    track = TrackFactory(title="Mr Brightside", credit_name="", artists=[], spotify_id=SPOTIFY_ID)
    services.track_metadata_fetch(track=track)
    body = fixture_json(SPOTIFY_TRACK)
    track.refresh_from_db()
    assert track.title == body["name"] == "Mr. Brightside"
    assert track.isrc == body["external_ids"]["isrc"]
    assert track.duration == round(body["duration_ms"] / 1000)
    assert track.album == body["album"]["name"]
    assert track.metadata_sources["title"]["source"] == "spotify"


def test_fetch_by_musicbrainz_recording_id(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve(f"/ws/2/recording/{MB_ID}", MB_RECORDING)
    track = TrackFactory(title="shades of grey", credit_name="", artists=[], musicbrainz_recording_id=MB_ID)
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.title == "Shades of Gray"
    assert track.duration == 260  # <length>259600</length>
    assert track.metadata_sources["title"]["source"] == "musicbrainz"


def test_a_provider_that_fails_does_not_stop_the_others(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["spotify", "soundcharts"]
    serve_spotify_token(replay)
    replay.serve(f"/v1/tracks/{SPOTIFY_ID}", body="<html>oops</html>", content_type="text/html")
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = bad_guy(spotify_id=SPOTIFY_ID, soundcharts_uuid=SOUNDCHARTS_UUID, label="")
    outcome = services.track_metadata_fetch(track=track)
    assert outcome.sources == ["soundcharts"]
    assert outcome.errors and outcome.errors[0].startswith("spotify: ")
    track.refresh_from_db()
    assert track.label == "Interscope"


def test_nothing_found_says_so_and_changes_nothing(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", "soundcharts/instr-error-404.json", status=404)
    track = TrackFactory(title="Unknown", soundcharts_uuid=SOUNDCHARTS_UUID)
    with pytest.raises(services.NothingFound, match="no provider knows this track"):
        services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.metadata_fetched_at is None and track.title == "Unknown"


def test_precedence_is_the_configured_order_and_manual_edits_stay():
    beatport = TrackMetadata(source="beatport", external_id="1", bpm=Decimal("124.00"), key="A minor", label="Drumcode")
    musicbrainz = TrackMetadata(source="musicbrainz", external_id="mbid", title="Subzero",
                                label="Other", isrc="DEU231800001")
    merged = metadata.merge([musicbrainz, beatport], ["beatport", "musicbrainz"])
    assert merged["label"] == ("Drumcode", "beatport")
    assert merged["title"] == ("Subzero", "musicbrainz")
    assert merged["musicbrainz_recording_id"] == ("mbid", "musicbrainz")

    track = Track(title="Subzero (edit)",
                  metadata_sources={"title": {"source": metadata.MANUAL, "at": "2026-11-01T00:00:00+00:00"}})
    changed = metadata.apply(track, merged, at=datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC))
    assert track.title == "Subzero (edit)" and "title" not in changed
    assert track.bpm == Decimal("124.00") and track.metadata_sources["bpm"]["source"] == "beatport"


def test_a_search_takes_the_exact_recording_not_an_earlier_live_version(replay, settings):
    """The reported bug: a search's first hit that is another version must never be taken."""
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    replay.serve("/ws/2/recording/bfddd757-089f-4b83-b401-bc277280ec6f", body="", status=404)
    # The answer lists "Black Magic Woman (live)" (6:06) first, then the studio take (2:51), then a 7:49 jam.
    track = TrackFactory(title="Black Magic Woman", credit_name="Fleetwood Mac", artists=["Fleetwood Mac"],
                         duration=171, label="")
    with pytest.raises(services.NothingFound):
        services.track_metadata_fetch(track=track)
    looked_up = [r.path for r in replay.requests() if r.path.startswith("/ws/2/recording/")]
    assert looked_up == ["/ws/2/recording/bfddd757-089f-4b83-b401-bc277280ec6f"]
    track.refresh_from_db()
    assert track.title == "Black Magic Woman" and track.metadata_fetched_at is None


def test_a_search_with_two_takes_of_one_title_and_no_length_to_tell_them_apart_takes_neither(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve("/ws/2/recording", MB_FLEETWOOD)
    track = TrackFactory(title="Black Magic Woman", credit_name="Fleetwood Mac", artists=["Fleetwood Mac"])
    with pytest.raises(services.NothingFound, match="no provider knows this track"):
        services.track_metadata_fetch(track=track)
    assert not [r.path for r in replay.requests() if r.path.startswith("/ws/2/recording/")]


def _serve_brightside(replay):
    serve_spotify_token(replay)
    replay.serve(f"/v1/tracks/{SPOTIFY_ID}", SPOTIFY_TRACK)  # "Mr. Brightside" by The Killers
    replay.serve(f"/v1/audio-features/{SPOTIFY_ID}", body='{"error": {"status": 403}}', status=403)


@pytest.mark.parametrize("title", ["", "(untitled)", "Mr. Brightside (Jacques Lu Cont Remix)"])
def test_a_fetch_by_the_tracks_own_id_is_never_refused(replay, credentials, settings, title):
    settings.METADATA_PROVIDERS = ["spotify"]
    _serve_brightside(replay)
    track = TrackFactory(title=title, credit_name="", artists=[], album="", spotify_id=SPOTIFY_ID)
    outcome = services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.title == "Mr. Brightside" and track.credit_name == "The Killers"
    assert {"title", "credit_name", "album"} <= set(outcome.changed)
    assert outcome.disagreements == []


def test_a_fetch_by_own_id_keeps_what_a_person_edited_and_fills_the_rest(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["spotify"]
    _serve_brightside(replay)
    track = TrackFactory(title="Brightside (my edit)", credit_name="", artists=[], album="", spotify_id=SPOTIFY_ID)
    services.track_fields_mark_manual(track=track, fields=["title"])
    track.save()
    outcome = services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.title == "Brightside (my edit)"
    assert track.album == fixture_json(SPOTIFY_TRACK)["album"]["name"]
    assert "title" not in outcome.changed and "album" in outcome.changed


def test_fetch_command_by_soundcharts_uuid_fills_a_blank_title(replay, credentials, settings):
    from django.core.management import call_command

    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = TrackFactory(title="", credit_name="", artists=[], soundcharts_uuid=SOUNDCHARTS_UUID)
    call_command("fetch_track_metadata", "--track-uuid", SOUNDCHARTS_UUID, "--sync")
    track.refresh_from_db()
    assert track.title == fixture_json(SOUNDCHARTS_SONG)["object"]["name"] == "bad guy"


def test_an_isrc_answer_for_another_recording_is_still_refused():
    track = TrackFactory(title="Mr. Brightside (Jacques Lu Cont Remix)", credit_name="The Killers",
                         artists=["The Killers"], spotify_id="")
    found = TrackMetadata(source="spotify", external_id=SPOTIFY_ID, title="Mr. Brightside", artists=("The Killers",))
    agreeing, disagreements = metadata.split_by_identity(track, [found])
    assert agreeing == [] and disagreements[0]["title"] == "Mr. Brightside"


# --- Jobs -------------------------------------------------------------------------------


def create(tracks, **options):
    """Create fetch jobs without queueing them, for the test to run here."""
    return services.metadata_fetch_jobs_create(tracks=tracks, enqueue_now=False, **options)


def run(job):
    jobs.job_run(model=MetadataFetchTask, job_id=job.pk)
    job.refresh_from_db()
    return job


def test_one_failing_track_never_stops_a_job(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    replay.serve("/api/v2.25/song/00000000-0000-0000-0000-000000000000", body="<html>", content_type="text/html")
    good = bad_guy(soundcharts_uuid=SOUNDCHARTS_UUID)
    bad = TrackFactory(title="Broken", soundcharts_uuid="00000000-0000-0000-0000-000000000000")
    [job] = create([bad, good], started_by="alice")
    job = run(job)
    assert (job.status, job.total, job.processed, job.succeeded, job.failed) == ("completed", 2, 2, 1, 1)
    assert job.status_text == "Completed with 1 failure" and job.started_by == "alice"
    errors = job_failures(job)
    assert [row["item"] for row in errors] == [str(bad)]
    assert errors[0]["error"].startswith("No metadata for “Artist")
    assert "soundcharts: GET /api/v2.25/song/{uuid}: expected JSON" in errors[0]["error"]
    good.refresh_from_db()
    assert good.label == "Interscope"
    assert job.items.get(track=good).result["changed"]


def test_a_rate_limit_makes_the_job_wait_and_a_rerun_carries_on_without_double_counting(
    replay, credentials, settings, django_capture_on_commit_callbacks
):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    uuid2 = "11111111-1111-1111-1111-111111111111"
    replay.serve(f"/api/v2.25/song/{uuid2}", body="slow down", status=429, headers={"Retry-After": "30"}, times=1)
    replay.serve(f"/api/v2.25/song/{uuid2}", SOUNDCHARTS_SONG)
    first, second = bad_guy(soundcharts_uuid=SOUNDCHARTS_UUID), bad_guy(soundcharts_uuid=uuid2)
    [job] = create([first, second])
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        result = jobs.job_run(model=MetadataFetchTask, job_id=job.pk)
    job.refresh_from_db()
    assert result.outcome == "waiting"
    assert (job.status, job.processed, job.succeeded) == ("waiting", 1, 1)
    assert job.status_text.startswith("Waiting for Soundcharts until ") and job.status_text.endswith("(rate limit)")
    assert 25 < (job.waiting_until - job.waiting_since).total_seconds() <= 31
    job = run(job)
    assert (job.status, job.processed, job.succeeded, job.failed) == ("completed", 2, 2, 0)
    assert job.waiting_reason == "" and job.waiting_since is None
    song_requests = [r.path for r in replay.requests() if r.path.startswith("/api/v2.25/song/")]
    assert song_requests.count(f"/api/v2.25/song/{SOUNDCHARTS_UUID}") == 1


def test_waiting_longer_than_job_max_wait_fails_the_job_with_the_reason(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    settings.JOB_MAX_WAIT = 3600
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", body="slow down", status=429, headers={"Retry-After": "60"})
    [job] = create([bad_guy(soundcharts_uuid=SOUNDCHARTS_UUID)])
    MetadataFetchTask.objects.filter(pk=job.pk).update(waiting_since=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    job = run(job)
    assert job.status == "failed"
    assert job.last_error == "Gave up after waiting 1 h for Soundcharts's rate limit; retry the job later."


def test_cancel_stops_before_the_next_track(credentials):
    tracks = TrackFactory.create_batch(3)
    [job] = create(tracks)
    assert jobs.job_cancel(job=job)
    assert jobs.job_run(model=MetadataFetchTask, job_id=job.pk).outcome == "not claimed"
    job.refresh_from_db()
    assert (job.status, job.processed) == ("cancelled", 0)
    assert not jobs.job_cancel(job=job)  # finished jobs stay as they are


def test_retry_failed_runs_only_the_failed_tracks_again(
    replay, credentials, settings, django_capture_on_commit_callbacks
):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    good, bad = bad_guy(soundcharts_uuid=SOUNDCHARTS_UUID), TrackFactory(soundcharts_uuid="", credit_name="")
    [job] = create([good, bad])
    job = run(job)
    assert (job.processed, job.failed) == (2, 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert jobs.job_retry_failed(job=job, started_by="bob") == 1
    assert len(queued) == 1
    job.refresh_from_db()
    assert (job.status, job.processed, job.succeeded, job.failed, job.started_by) == ("pending", 1, 1, 0, "bob")
    assert list(job.items.filter(status="pending").values_list("track", flat=True)) == [bad.pk]


@pytest.mark.django_db(transaction=True)
def test_broker_down_leaves_the_job_failed_with_the_reason_not_pending(broker_down):
    tracks = TrackFactory.create_batch(2)
    with pytest.raises(BrokerUnavailable, match="is unreachable"):
        services.metadata_fetch_jobs_create(tracks=tracks)
    job = MetadataFetchTask.objects.get()
    assert job.status == "failed"
    assert "refused" in job.last_error.lower()


def test_a_large_selection_becomes_jobs_of_at_most_bulk_chunk(settings):
    settings.BULK_CHUNK = 2
    created = create(TrackFactory.create_batch(5))
    assert [job.total for job in created] == [2, 2, 1]


def test_stale_tracks_are_chunked_and_already_queued_ones_skipped(settings, django_capture_on_commit_callbacks):
    settings.BULK_CHUNK = 2
    settings.METADATA_STALE_DAYS = 30
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    stale = [TrackFactory(metadata_fetched_at=old) for _ in range(3)] + [TrackFactory(metadata_fetched_at=None)]
    TrackFactory(metadata_fetched_at=datetime.datetime.now(datetime.UTC))  # fresh
    with django_capture_on_commit_callbacks(execute=False):
        created = services.stale_tracks_fetch(started_by="schedule")
        assert sorted(job.total for job in created) == [2, 2]
        assert {t.pk for job in created for t in job.tracks.all()} == {t.pk for t in stale}
        assert services.stale_tracks_fetch() == []  # all are queued already
    assert all(item.status == "pending" for job in created for item in job.items.all())
    assert {job.started_by for job in created} == {"schedule"}


def test_soundcharts_import_creates_new_tracks_and_skips_known_ones(
    replay, credentials, django_capture_on_commit_callbacks
):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ARTIST_SONGS)
    items = fixture_json(ARTIST_SONGS)["items"]
    TrackFactory(title=items[0]["name"], soundcharts_uuid=items[0]["uuid"])
    with django_capture_on_commit_callbacks(execute=False):
        result = services.soundcharts_artist_import(artist_uuid=ALESSIA_CARA, limit=5, offset=0)
    assert (len(result.created), result.skipped) == (4, 1)
    assert [job.total for job in result.jobs] == [4] and result.jobs[0].started_by == "import"
    created = Track.objects.get(soundcharts_uuid=items[1]["uuid"])
    assert created.title == items[1]["name"] and created.credit_name == items[1]["creditName"]
    assert result.summary() == "Imported 4 new tracks; skipped 1 already in the catalogue."


def test_a_title_and_its_version_are_kept_apart_so_a_remix_is_another_track():
    from tracks.metadata import title_parts

    assert title_parts("Tackywakeup (Marek Hemmann Remix)") == ("Tackywakeup", "Marek Hemmann Remix", ["Marek Hemmann"])
    assert title_parts("Feeling", "Original Mix") == ("Feeling", "Original Mix", [])
    assert title_parts("Bats") == ("Bats", "", [])
    assert title_parts("Sunset (feat. Someone) [Extended Mix]") == ("Sunset (feat. Someone)", "Extended Mix", [])
    remix = Track(title="Tackywakeup", version="Marek Hemmann Remix", credit_name="Sweet N Candy")
    assert str(remix) == "Sweet N Candy - Tackywakeup (Marek Hemmann Remix)"
    # A fetch whose provider names the same version fills the version and its remixers from that provider.
    merged = metadata.merge([TrackMetadata(source="beatport", external_id="1", title="Tackywakeup",
                                           version="Marek Hemmann Remix", remixers=("Marek Hemmann",))], ["beatport"])
    track = Track(title="Tackywakeup")
    metadata.apply(track, merged, at=datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC))
    assert (track.title, track.version, track.remixers) == ("Tackywakeup", "Marek Hemmann Remix", ["Marek Hemmann"])


def test_a_musicbrainz_fetch_keeps_the_release_group_and_artist_ids_and_they_reach_the_files_tags(replay, settings,
                                                                                                tmp_path):
    from mutagen.flac import FLAC

    from audio.tagging import track_tags_write
    from tests.audio_factory import make_audio

    settings.METADATA_PROVIDERS = ["musicbrainz"]
    # The first recording of the recorded Fleetwood Mac search, served as the lookup of that recording (the same
    # <recording> element under the answer's own <metadata> root).
    recording = "be66c099-10ff-4118-ae38-9a032ae13644"
    search = (FIXTURES / MB_FLEETWOOD).read_text()
    start = search.index(f'<recording id="{recording}"')
    element = search[start:search.index("</recording>", start) + len("</recording>")]
    root = search[:search.index("<recording-list")]
    replay.serve(f"/ws/2/recording/{recording}", body=f"{root}{element}</metadata>", content_type="application/xml")
    path = make_audio(tmp_path / "come softly.flac", format="flac", seconds=2)
    track = TrackFactory(title="", credit_name="", artists=[], musicbrainz_recording_id=recording, file_path=str(path),
                         file_format="flac")
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert (track.musicbrainz_release_id, track.musicbrainz_release_group_id) == (
        "b73786d3-6a0f-4683-bd49-e8274eb2d25d", "7724c2af-6d9c-4d52-8826-49502d66d131",
    )
    assert track.musicbrainz_artist_ids == ["bd13909f-1c29-4c27-a874-d4aaf27c5b1a"]
    assert track.musicbrainz_album_artist_ids == ["89ad4ac3-39f7-470e-963a-56509c546377"]
    track_tags_write(track=track)
    tags = FLAC(path)
    assert tags["MUSICBRAINZ_RELEASEGROUPID"] == ["7724c2af-6d9c-4d52-8826-49502d66d131"]
    assert tags["MUSICBRAINZ_ALBUMID"] == ["b73786d3-6a0f-4683-bd49-e8274eb2d25d"]
    assert tags["MUSICBRAINZ_ARTISTID"] == ["bd13909f-1c29-4c27-a874-d4aaf27c5b1a"]
    assert tags["MUSICBRAINZ_ALBUMARTISTID"] == ["89ad4ac3-39f7-470e-963a-56509c546377"]


# --- Creating tracks: the one constructor ----------------------------------------------------------------------------


def test_a_new_track_is_cut_to_the_models_own_lengths_and_keeps_its_dates_precision():
    from common import dates
    from providers.base import TrackCandidate

    long_title = "  Endless   " + "a" * 600
    candidate = TrackCandidate(
        source="musicbrainz", external_id="d2f5a4b6-0c1f-4a57-9d1b-4c9a3e2e7c11", title=long_title,
        artists=("Artist",), label="L" * 400, isrc="GBAHT0500600",
        release_date=dates.ReleaseDate(1978, precision=dates.YEAR),
    )
    track, created = services.track_from_candidate(candidate=candidate)
    track.refresh_from_db()
    assert (created and len(track.title) == Track._meta.get_field("title").max_length
            and track.title.startswith("Endless a"))
    assert len(track.label) == Track._meta.get_field("label").max_length
    assert (track.release_date_precision, track.release_date_text) == ("year", "1978")
    assert track.metadata_sources["title"]["source"] == "musicbrainz"
    assert services.track_from_candidate(candidate=candidate) == (track, False)  # known by its id now


def test_filling_a_tracks_empty_fields_skips_values_not_given():
    track = TrackFactory(label="", catalog_number="")
    filled = services.track_fields_fill(track=track,
                                        values={"label": "x" * 400, "catalog_number": None}, source="tracklist")
    track.refresh_from_db()
    assert filled == ["label"] and track.label == "x" * 300 and track.catalog_number == ""
