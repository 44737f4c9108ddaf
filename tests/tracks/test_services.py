"""Metadata fetches store what the recorded provider bodies say, and bulk jobs keep honest counts."""

import datetime
from decimal import Decimal

import pytest

from config.queue import BrokerUnavailable
from providers.base import TrackMetadata
from tests.factories import TrackFactory
from tests.replay import fixture_json
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
from tracks.models import FetchItemStatus, FetchTaskStatus, MetadataFetchTask, Track

pytestmark = pytest.mark.django_db


def test_fetch_by_soundcharts_uuid_stores_the_recorded_fields(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = TrackFactory(title="bad guy", credit_name="", artists=[], label="", genre="", soundcharts_uuid=SOUNDCHARTS_UUID)

    outcome = services.track_metadata_fetch(track=track)

    song = fixture_json(SOUNDCHARTS_SONG)["object"]
    track.refresh_from_db()
    assert track.credit_name == song["creditName"] == "Billie Eilish"
    assert track.artists == [artist["name"] for artist in song["artists"]]
    assert track.isrc == song["isrc"]["value"]
    assert track.release_date == datetime.date(2019, 3, 29)
    assert track.duration == song["duration"] == 194
    assert track.label == song["labels"][0]["name"] == "Interscope"
    assert track.genre == song["genres"][0]["root"] == "alternative"
    assert track.bpm == Decimal(str(song["audio"]["tempo"])).quantize(Decimal("0.01"))
    assert track.key == "G major"  # key 7, mode 1
    assert track.artwork_url == song["imageUrl"]
    assert track.metadata_fetched_at is not None
    assert track.metadata_sources["bpm"] == "soundcharts" and track.metadata_sources["label"] == "soundcharts"
    assert {"credit_name", "isrc", "bpm", "label"} <= set(outcome.changed)


def test_the_older_soundcharts_shape_gives_its_single_label(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG_V2)
    track = TrackFactory(label="", genre="", soundcharts_uuid=SOUNDCHARTS_UUID)
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.label == fixture_json(SOUNDCHARTS_SONG_V2)["object"]["label"]
    assert track.genre == ""


def test_fetch_by_spotify_id(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["spotify"]
    serve_spotify_token(replay)
    replay.serve(f"/v1/tracks/{SPOTIFY_ID}", SPOTIFY_TRACK)
    replay.serve(f"/v1/audio-features/{SPOTIFY_ID}", body='{"error": {"status": 403}}', status=403)
    track = TrackFactory(title="?", credit_name="", spotify_id=SPOTIFY_ID)
    services.track_metadata_fetch(track=track)
    body = fixture_json(SPOTIFY_TRACK)
    track.refresh_from_db()
    assert track.title == body["name"] == "Mr. Brightside"
    assert track.isrc == body["external_ids"]["isrc"]
    assert track.duration == round(body["duration_ms"] / 1000)
    assert track.album == body["album"]["name"]
    assert track.metadata_sources["title"] == "spotify"


def test_fetch_by_musicbrainz_recording_id(replay, settings):
    settings.METADATA_PROVIDERS = ["musicbrainz"]
    replay.serve(f"/ws/2/recording/{MB_ID}", MB_RECORDING)
    track = TrackFactory(title="?", musicbrainz_recording_id=MB_ID)
    services.track_metadata_fetch(track=track)
    track.refresh_from_db()
    assert track.title == "Shades of Gray"
    assert track.duration == 260  # <length>259600</length>
    assert track.metadata_sources["title"] == "musicbrainz"


def test_a_provider_that_fails_does_not_stop_the_others(replay, credentials, settings):
    settings.METADATA_PROVIDERS = ["spotify", "soundcharts"]
    serve_spotify_token(replay)
    replay.serve(f"/v1/tracks/{SPOTIFY_ID}", body="<html>oops</html>", content_type="text/html")
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    track = TrackFactory(spotify_id=SPOTIFY_ID, soundcharts_uuid=SOUNDCHARTS_UUID, label="")
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
    musicbrainz = TrackMetadata(source="musicbrainz", external_id="mbid", title="Subzero", label="Other", isrc="DEU231800001")
    merged = metadata.merge([musicbrainz, beatport], ["beatport", "musicbrainz"])
    assert merged["label"] == ("Drumcode", "beatport")
    assert merged["title"] == ("Subzero", "musicbrainz")
    assert merged["musicbrainz_recording_id"] == ("mbid", "musicbrainz")

    track = Track(title="Subzero (edit)", metadata_sources={"title": metadata.MANUAL})
    changed = metadata.apply(track, merged)
    assert track.title == "Subzero (edit)" and "title" not in changed
    assert track.bpm == Decimal("124.00") and track.metadata_sources["bpm"] == "beatport"


# --- Bulk jobs -----------------------------------------------------------------------


def run(task):
    assert services.metadata_fetch_task_claim(task_id=task.pk)
    return services.metadata_fetch_task_run(task_id=task.pk)


def test_one_failing_track_never_stops_a_bulk_task(replay, credentials, settings, django_capture_on_commit_callbacks):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    replay.serve("/api/v2.25/song/00000000-0000-0000-0000-000000000000", body="<html>", content_type="text/html")
    good = TrackFactory(soundcharts_uuid=SOUNDCHARTS_UUID)
    bad = TrackFactory(title="Broken", soundcharts_uuid="00000000-0000-0000-0000-000000000000")
    with django_capture_on_commit_callbacks(execute=False):
        task = services.metadata_fetch_task_create(tracks=[bad, good])
    task = run(task)
    assert (task.status, task.total, task.processed, task.successful, task.failed) == ("completed", 2, 2, 1, 1)
    errors = services.error_messages(task)
    assert [row["track"] for row in errors] == [str(bad)]
    assert errors[0]["error"].startswith("No metadata for “Artist")
    assert "soundcharts: GET /api/v2.25/song/{uuid}: expected JSON" in errors[0]["error"]
    good.refresh_from_db()
    assert good.label == "Interscope"


def test_a_rate_limit_pauses_the_task_and_a_rerun_carries_on_without_double_counting(
    replay, credentials, settings, django_capture_on_commit_callbacks
):
    from providers.base import RateLimited

    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    uuid2 = "11111111-1111-1111-1111-111111111111"
    replay.serve(f"/api/v2.25/song/{uuid2}", body="slow down", status=429, headers={"Retry-After": "3"}, times=1)
    replay.serve(f"/api/v2.25/song/{uuid2}", SOUNDCHARTS_SONG)
    first, second = TrackFactory(soundcharts_uuid=SOUNDCHARTS_UUID), TrackFactory(soundcharts_uuid=uuid2)
    with django_capture_on_commit_callbacks(execute=False):
        task = services.metadata_fetch_task_create(tracks=[first, second])
    with pytest.raises(RateLimited) as excinfo:
        run(task)
    assert excinfo.value.retry_after == 3
    services.metadata_fetch_task_release(task_id=task.pk)
    task.refresh_from_db()
    assert (task.status, task.processed, task.successful) == ("pending", 1, 1)
    task = run(task)
    assert (task.status, task.processed, task.successful, task.failed) == ("completed", 2, 2, 0)
    song_requests = [r.path for r in replay.requests() if r.path.startswith("/api/v2.25/song/")]
    assert song_requests.count(f"/api/v2.25/song/{SOUNDCHARTS_UUID}") == 1


def test_cancel_stops_before_the_next_track(credentials, django_capture_on_commit_callbacks):
    tracks = TrackFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        task = services.metadata_fetch_task_create(tracks=tracks)
    assert services.metadata_fetch_task_cancel(task=task)
    assert not services.metadata_fetch_task_claim(task_id=task.pk)
    task.refresh_from_db()
    assert (task.status, task.processed) == ("cancelled", 0)
    assert not services.metadata_fetch_task_cancel(task=task)  # finished tasks stay as they are


def test_retry_failed_makes_a_task_of_only_the_failed_tracks(replay, credentials, settings, django_capture_on_commit_callbacks):
    settings.METADATA_PROVIDERS = ["soundcharts"]
    replay.serve(f"/api/v2.25/song/{SOUNDCHARTS_UUID}", SOUNDCHARTS_SONG)
    good, bad = TrackFactory(soundcharts_uuid=SOUNDCHARTS_UUID), TrackFactory(soundcharts_uuid="")
    with django_capture_on_commit_callbacks(execute=False):
        task = run(services.metadata_fetch_task_create(tracks=[good, bad]))
        retry = services.metadata_fetch_task_retry_failed(task=task)
    assert list(retry.tracks.all()) == [bad] and retry.total == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_leaves_the_task_failed_with_the_reason_not_pending(broker_down):
    tracks = TrackFactory.create_batch(2)
    with pytest.raises(BrokerUnavailable, match="is unreachable"):
        services.metadata_fetch_task_create(tracks=tracks)
    task = MetadataFetchTask.objects.get()
    assert task.status == FetchTaskStatus.FAILED
    assert "Connection refused" in task.last_error or "refused" in task.last_error.lower()


def test_stale_tracks_are_chunked_and_already_queued_ones_skipped(settings, django_capture_on_commit_callbacks):
    settings.BULK_CHUNK = 2
    settings.METADATA_STALE_DAYS = 30
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    stale = [TrackFactory(metadata_fetched_at=old) for _ in range(3)] + [TrackFactory(metadata_fetched_at=None)]
    TrackFactory(metadata_fetched_at=datetime.datetime.now(datetime.UTC))  # fresh
    with django_capture_on_commit_callbacks(execute=False):
        tasks = services.stale_tracks_fetch()
        assert sorted(task.total for task in tasks) == [2, 2]
        assert {t.pk for task in tasks for t in task.tracks.all()} == {t.pk for t in stale}
        assert services.stale_tracks_fetch() == []  # all are queued already
    assert all(item.status == FetchItemStatus.PENDING for task in tasks for item in task.items.all())


def test_soundcharts_import_creates_new_tracks_and_skips_known_ones(replay, credentials, django_capture_on_commit_callbacks):
    replay.serve(f"/api/v2.21/artist/{ALESSIA_CARA}/songs", ARTIST_SONGS)
    items = fixture_json(ARTIST_SONGS)["items"]
    TrackFactory(title=items[0]["name"], soundcharts_uuid=items[0]["uuid"])
    with django_capture_on_commit_callbacks(execute=False):
        result = services.soundcharts_artist_import(artist_uuid=ALESSIA_CARA, limit=5, offset=0)
    assert (len(result.created), result.skipped) == (4, 1)
    assert result.task.total == 4
    created = Track.objects.get(soundcharts_uuid=items[1]["uuid"])
    assert created.title == items[1]["name"] and created.credit_name == items[1]["creditName"]
    assert result.summary().startswith("Imported 4 new track(s); skipped 1 already in the catalogue.")
